package io.mailgateway.delivery;

import java.time.Instant;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.failure.Failure;
import io.mailgateway.failure.FailureCategory;
import io.mailgateway.failure.FailureClassifier;
import io.mailgateway.message.MessageRepository;
import io.mailgateway.message.StoredMessage;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The error policy's decision for a failed attempt (routes/error-handling.camel.yaml): a permanent failure, or a
 * transient one that used up its retries, goes to the dead-letter channel; any other is retried by putting the
 * message back on the durable queue with a scheduled delivery time (exponential back-off). The wait happens in
 * the broker, so it survives a restart, and any instance may take the next attempt.
 */
@Component("deliveryFailures")
public class DeliveryFailures {

    /** Artemis' scheduled delivery property (epoch milliseconds). */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    public static final String ACTION = "failureAction";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    private final FailureClassifier classifier;
    private final MessageRepository messages;
    private final GatewayProperties.Retry retry;
    private final DeliveryMetrics metrics;

    public DeliveryFailures(FailureClassifier classifier, MessageRepository messages, GatewayProperties properties,
            DeliveryMetrics metrics) {
        this.metrics = metrics;
        this.classifier = classifier;
        this.messages = messages;
        this.retry = properties.retry();
    }

    public void decide(Exchange exchange) throws Exception {
        Throwable error = FailureClassifier.failureOf(exchange);
        String id = exchange.getVariable("messageId", String.class);
        if (id == null) {
            // the attempt did not even start (e.g. the database is unreachable): roll back, the broker redelivers
            throw error instanceof Exception e ? e : new IllegalStateException(error);
        }
        // the attempt's start must be committed before its count is read and its failure recorded
        Deliveries.awaitAttemptStarted(exchange);
        Failure failure = classifier.classify(error);
        StoredMessage message = messages.find(id).orElseThrow();
        boolean slow = failure.category() == FailureCategory.RATE_LIMITED
                || failure.category() == FailureCategory.QUOTA_EXCEEDED;
        int maxRedeliveries = slow ? retry.rateLimited().maxRedeliveries() : retry.maxRedeliveries();
        int redeliveriesDone = message.attempts() - 1;
        if (!failure.retryable() || redeliveriesDone >= maxRedeliveries) {
            exchange.setVariable(ACTION, "DEAD_LETTER");
            return;
        }
        long initial = slow ? retry.rateLimited().initialDelayMs() : retry.initialDelayMs();
        long max = slow ? retry.rateLimited().maxDelayMs() : retry.maxDelayMs();
        long delay = (long) Math.min(max, initial * Math.pow(retry.multiplier(), redeliveriesDone));
        messages.retrying(id, failure);
        metrics.retried(exchange.getVariable("route", String.class), failure.category().name());
        LOG.warn("Message {} via {}: {} ({}); attempt {} of {} in {} ms", id, exchange.getVariable("route"),
                failure.category(), failure.providerReply(), message.attempts() + 1, maxRedeliveries + 1, delay);
        exchange.getMessage().setBody(id);
        exchange.getMessage().setHeader(SCHEDULED_DELIVERY, Instant.now().toEpochMilli() + delay);
        exchange.setVariable(ACTION, "RETRY");
    }
}
