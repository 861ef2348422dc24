package io.mailgateway.delivery;

import io.mailgateway.failure.Failure;
import io.mailgateway.failure.FailureClassifier;
import io.mailgateway.message.MessageRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs before each redelivery (the error policy's onRedelivery): the message becomes RETRYING, with one more
 * attempt and the reason. It logs the classified reply, never the exception text, which may quote the message.
 */
@Component("retryTracker")
public class RetryTracker implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryTracker.class);

    private final FailureClassifier classifier;
    private final MessageRepository messages;

    public RetryTracker(FailureClassifier classifier, MessageRepository messages) {
        this.classifier = classifier;
        this.messages = messages;
    }

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getVariable("messageId", String.class);
        Failure failure = classifier.classify(FailureClassifier.failureOf(exchange));
        int redelivery = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        LOG.warn("Message {} via {}: {} ({}); retry {} follows", id, exchange.getVariable("route"),
                failure.category(), failure.providerReply(), redelivery);
        if (id != null) {
            messages.retrying(id, failure);
        }
    }
}
