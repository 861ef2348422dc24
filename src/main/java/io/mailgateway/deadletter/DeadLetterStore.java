package io.mailgateway.deadletter;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.delivery.DeliveryMetrics;
import io.mailgateway.failure.Failure;
import io.mailgateway.message.SendRequest;
import io.mailgateway.failure.FailureCategory;
import io.mailgateway.failure.FailureClassifier;
import io.mailgateway.message.MessageRepository;
import io.mailgateway.message.StoredMessage;
import io.mailgateway.settings.MailSettingsRepository;
import io.mailgateway.settings.RouteChoice;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The end of the dead-letter channel: stores the original request with the classified failure and marks the
 * message DEAD_LETTERED, in one transaction. A refused Google grant also marks the tenant's Gmail account
 * NEEDS_REAUTH. If storing fails, it says so loudly and rethrows: the queue message is rolled back, never lost.
 */
@Component("deadLetterStore")
public class DeadLetterStore {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final FailureClassifier classifier;
    private final MessageRepository messages;
    private final MailSettingsRepository settings;

    private final ObjectMapper mapper;
    private final GatewayProperties properties;
    private final DeliveryMetrics metrics;

    public DeadLetterStore(JdbcClient jdbc, TransactionTemplate tx, FailureClassifier classifier,
            MessageRepository messages, MailSettingsRepository settings, ObjectMapper mapper,
            GatewayProperties properties, DeliveryMetrics metrics) {
        this.metrics = metrics;
        this.jdbc = jdbc;
        this.tx = tx;
        this.classifier = classifier;
        this.messages = messages;
        this.settings = settings;
        this.mapper = mapper;
        this.properties = properties;
    }

    /**
     * Reads the message id from the exchange variable that dispatch set, not from the body: the body is whatever
     * the failing step left there (an exception clause does not restore the original message).
     */
    public String store(Exchange exchange) {
        String messageId = exchange.getVariable("messageId", String.class);
        if (messageId == null) {
            throw new IllegalStateException("dead letter without a messageId variable on exchange "
                    + exchange.getExchangeId());
        }
        Failure failure = classifier.classify(FailureClassifier.failureOf(exchange));
        try {
            String id = tx.execute(status -> insert(messageId, failure));
            metrics.deadLettered(exchange.getVariable("route", String.class), failure.category().name());
            LOG.warn("Message {} DEAD_LETTERED as {} ({}); dead letter {}", messageId, failure.category(),
                    failure.providerReply(), id);
            return id;
        } catch (RuntimeException e) {
            LOG.error("DEAD LETTER NOT STORED for message {} ({}): {}. The message stays on the queue and the broker "
                    + "delivers it again later; nothing is lost, but look at the database now.",
                    messageId, failure.category(), e.getClass().getName());
            throw e;
        }
    }

    private String insert(String messageId, Failure failure) {
        StoredMessage message = messages.find(messageId)
                .orElseThrow(() -> new IllegalStateException("no message " + messageId));
        String id = UUID.randomUUID().toString();
        SendRequest request = readRequest(message.requestJson());
        String recipients = String.join(",", java.util.stream.Stream.of(request.toOrEmpty(), request.ccOrEmpty(),
                request.bccOrEmpty()).flatMap(List::stream).map(a -> a.trim().toLowerCase(Locale.ROOT)).toList());
        jdbc.sql("""
                insert into dead_letter (id, message_id, tenant_id, route, category, provider_reply, hint, attempts,
                                         request_json, status, created_at, settings_json, recipients, subject)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW', ?, ?, ?, ?)""")
                .params(id, message.id(), message.tenantId(), message.route(), failure.category().name(),
                        failure.providerReply(), failure.hint(), message.attempts(), message.requestJson(),
                        Timestamp.from(Instant.now()), settingsInForce(message), recipients, request.subject())
                .update();
        messages.deadLettered(messageId, failure);
        if (failure.category() == FailureCategory.REAUTH_REQUIRED && RouteChoice.GMAIL.name().equals(message.route())) {
            settings.markGmailNeedsReauth(message.tenantId());
        }
        return id;
    }

    private SendRequest readRequest(String json) {
        return SendRequest.fromStored(mapper, json);
    }

    /** The route's settings when the message failed, for support staff: addresses and modes, never a secret. */
    private String settingsInForce(StoredMessage message) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("route", message.route());
        if (RouteChoice.SMTP.name().equals(message.route())) {
            settings.findSmtp(message.tenantId()).ifPresent(s -> {
                view.put("host", s.host());
                view.put("port", s.port());
                view.put("security", s.security().name());
                view.put("username", s.username());
                view.put("fromAddress", s.fromAddress());
                view.put("status", s.status().name());
            });
        } else if (RouteChoice.GMAIL.name().equals(message.route())) {
            settings.findGmail(message.tenantId()).ifPresent(g -> {
                view.put("account", g.accountEmail());
                view.put("status", g.status().name());
            });
        } else {
            view.put("host", properties.relay().host());
            view.put("port", properties.relay().port());
            view.put("security", properties.relay().security().name());
        }
        try {
            return mapper.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
