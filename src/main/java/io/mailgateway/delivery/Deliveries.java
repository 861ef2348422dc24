package io.mailgateway.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.crypto.SecretCipher;
import io.mailgateway.failure.DeliveryFailedException;
import io.mailgateway.failure.Failure;
import io.mailgateway.failure.FailureCategory;
import io.mailgateway.message.GroupCommit;
import io.mailgateway.message.MessageRepository;
import io.mailgateway.message.SendRequest;
import io.mailgateway.message.StoredMessage;
import io.mailgateway.settings.MailSettingsRepository;
import io.mailgateway.settings.RouteChoice;
import io.mailgateway.settings.RouteResolver;
import io.mailgateway.settings.SmtpSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.component.mail.MailConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The bookkeeping of a delivery, called by the dispatch and send-* routes: start an attempt and pick the route,
 * build the MIME message for the chosen transport, record SENT. Exchange variables carry {@code messageId},
 * {@code tenantId} and {@code route} between the routes.
 */
@Component("deliveries")
public class Deliveries {

    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

    private final MessageRepository messages;
    private final MailSettingsRepository settings;
    private final SecretCipher cipher;
    private final SmtpSessions sessions;
    private final MimeMessageFactory mimeFactory;
    private final ObjectMapper mapper;
    private final GatewayProperties.Relay relay;
    private final GroupCommit groupCommit;
    private final DeliveryMetrics metrics;
    private final Duration sendingStatusAfter;

    /** Exchange variable: the attempt's start (status SENDING, attempts + 1), a deferred write of the group commit. */
    public static final String ATTEMPT_STARTED = "attemptStarted";

    public Deliveries(MessageRepository messages, MailSettingsRepository settings,
            SecretCipher cipher, SmtpSessions sessions, MimeMessageFactory mimeFactory, ObjectMapper mapper,
            GatewayProperties properties, GroupCommit groupCommit, DeliveryMetrics metrics,
            @Value("${gateway.delivery.sending-status-after:1s}") Duration sendingStatusAfter) {
        this.sendingStatusAfter = sendingStatusAfter;
        this.metrics = metrics;
        this.groupCommit = groupCommit;
        this.messages = messages;
        this.settings = settings;
        this.cipher = cipher;
        this.sessions = sessions;
        this.mimeFactory = mimeFactory;
        this.mapper = mapper;
        this.relay = properties.relay();
    }

    /**
     * Body in: a message id. Variables out: {@code messageId}, {@code tenantId}, {@code route} and the stored
     * {@code message} (the send routes read it from there, so a redelivery starts from it again); when the message is
     * unknown or already final, {@code route} stays unset and the route stops.
     */
    public Object begin(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        // the message and its tenant's settings in one read
        Optional<MessageRepository.ForDelivery> found = messages.findForDelivery(id);
        if (found.isEmpty() || found.get().message().status().isFinal()) {
            LOG.info("Message {} is {}: nothing to send", id,
                    found.map(f -> f.message().status().name()).orElse("unknown"));
            return id;
        }
        StoredMessage message = found.get().message();
        RouteChoice route = RouteResolver.choose(found.get().smtpStatus(), found.get().gmailAccount());
        exchange.setVariable("messageId", id);
        exchange.setVariable("tenantId", message.tenantId());
        exchange.setVariable("route", route.name());
        exchange.setVariable("message", message);
        return message;
    }

    /**
     * Starts the attempt (after the tenant's limits let the message go): SENDING, one more attempt, the route. The
     * write waits {@code gateway.delivery.sending-status-after}: an attempt that ends in SENT sooner is recorded in
     * the one write of its end (most are: a write less per message), a longer one shows SENDING while it lasts, and
     * a failure writes the start first (its retry count reads it).
     */
    public void startAttempt(Exchange exchange, @Variable("message") StoredMessage message,
            @Variable("route") String route) {
        // the send does not wait for it; when it is written, it is committed before the write that ends the
        // attempt (writes keep their order), so the queue message is acknowledged only once both are durable
        deferStart(exchange, message.id(), route);
        LOG.info("Message {} of tenant {}: attempt {} via {}", message.id(), message.tenantId(), message.attempts() + 1,
                route);
    }

    /** The message for the tenant's own SMTP server (confirmed settings only). */
    public GatewayMimeMessage forTenantSmtp(@Variable("message") StoredMessage message) throws MessagingException {
        SmtpSettings smtp = settings.findSmtp(message.tenantId())
                .filter(s -> s.status() == SmtpSettings.Status.ACTIVE)
                .orElseThrow(() -> new DeliveryFailedException(Failure.of(FailureCategory.CONNECTION_FAILED,
                        "the tenant's SMTP settings were removed or are not confirmed")));
        SmtpServer server = new SmtpServer(smtp.host(), smtp.port(), smtp.security(), smtp.username(),
                cipher.decrypt(smtp.passwordEnc()));
        SendRequest request = request(message);
        return mimeFactory.build(sessions.sessionFor(server), request, message.mimeMessageId());
    }

    /** The message for the platform relay. */
    public GatewayMimeMessage forPlatformRelay(@Variable("message") StoredMessage message) throws MessagingException {
        SmtpServer server = new SmtpServer(relay.host(), relay.port(), relay.security(), relay.username(),
                relay.password());
        return mimeFactory.build(sessions.sessionFor(server), request(message), message.mimeMessageId());
    }

    /** The message for Gmail: built without a transport, it only becomes bytes. */
    public GatewayMimeMessage forGmail(StoredMessage message) throws MessagingException {
        return mimeFactory.build(Session.getInstance(new Properties()), request(message), message.mimeMessageId());
    }

    /** Records SENT; the provider's id is Gmail's message id, or for SMTP the Message-ID the server accepted. */
    public void sent(Exchange exchange) {
        String id = exchange.getVariable("messageId", String.class);
        Object body = exchange.getMessage().getBody();
        String providerId = body instanceof com.google.api.services.gmail.model.Message gmail
                ? gmail.getId()
                : exchange.getMessage().getHeader(MailConstants.MAIL_MESSAGE_ID, String.class);
        StoredMessage message = exchange.getVariable("message", StoredMessage.class);
        String route = exchange.getVariable("route", String.class);
        // the attempt started by startAttempt: one more than the count loaded by begin; its start is written here
        // too unless it already was (a send that took longer than sending-status-after)
        GroupCommit.Deferred start = exchange.getVariable(ATTEMPT_STARTED, GroupCommit.Deferred.class);
        boolean withStart = start != null && start.cancel();
        if (start != null && !withStart) {
            // the start's time came: it is (being) queued, and must be committed before SENT, never after it
            GroupCommit.await(start.now());
        }
        try {
            groupCommit.run(() -> messages.sent(id, message.attempts() + 1, route, providerId, withStart));
        } catch (RuntimeException notRecorded) {
            if (withStart) {
                // nor is the start: the failure's handling writes it first, so the attempt is still counted
                deferStart(exchange, id, route);
            }
            throw notRecorded;
        }
        metrics.sent(route);
        LOG.info("Message {} SENT via {} (provider id {})", id, route, providerId);
    }

    private void deferStart(Exchange exchange, String id, String route) {
        exchange.setVariable(ATTEMPT_STARTED, groupCommit.later(sendingStatusAfter, () -> messages.startAttempt(id, route)));
    }

    /** Writes the start of this exchange's attempt now, if it is not yet, and waits until it is committed. */
    public static void awaitAttemptStarted(Exchange exchange) {
        GroupCommit.Deferred started = exchange.getVariable(ATTEMPT_STARTED, GroupCommit.Deferred.class);
        if (started != null) {
            GroupCommit.await(started.now());
        }
    }

    SendRequest request(StoredMessage message) {
        return SendRequest.fromStored(mapper, message.requestJson());
    }
}
