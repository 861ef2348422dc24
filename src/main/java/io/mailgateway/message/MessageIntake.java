package io.mailgateway.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.api.ApiException;
import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.api.JsonBodies;
import io.mailgateway.delivery.DeliveryMetrics;
import io.mailgateway.security.ApiAuth;
import io.mailgateway.security.Caller;
import io.mailgateway.tenant.Tenant;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * The operations behind {@code /api/v1/messages}. Accepting stores the message (status QUEUED) and tells the
 * route, through the variable {@code messageId}, which id to hand off; a repeated Idempotency-Key hands off nothing.
 */
@Component("messageIntake")
public class MessageIntake {

    private static final Logger LOG = LoggerFactory.getLogger(MessageIntake.class);
    public static final String HAND_OFF_ID = "messageId";

    private final JsonBodies json;
    private final ObjectMapper mapper;
    private final SendRequestValidator validator;
    private final MessageRepository messages;
    private final GroupCommit groupCommit;
    private final DeliveryMetrics metrics;

    public MessageIntake(JsonBodies json, ObjectMapper mapper, SendRequestValidator validator,
            MessageRepository messages, GroupCommit groupCommit,
            DeliveryMetrics metrics) {
        this.metrics = metrics;
        this.groupCommit = groupCommit;
        this.json = json;
        this.mapper = mapper;
        this.validator = validator;
        this.messages = messages;
    }

    public record Accepted(String id, MessageStatus status) {
    }

    public Accepted accept(Exchange exchange, @Header("Idempotency-Key") String idempotencyKey) {
        Caller caller = ApiAuth.caller(exchange);
        // read with the API key (see ApiKeyService)
        Tenant tenant = Optional.ofNullable(caller.tenant())
                .orElseThrow(() -> new ApiException(403, "forbidden", "This API key is not bound to a tenant"));
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200
                || Addresses.hasLineBreak(idempotencyKey))) {
            throw ApiException.badRequest(List.of(new FieldError("Idempotency-Key", "1 to 200 characters, one line")));
        }
        SendRequest request = json.read(exchange, SendRequest.class);
        List<FieldError> errors = validator.validate(request);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        if (idempotencyKey != null) {
            var earlier = messages.findByIdempotencyKey(tenant.id(), idempotencyKey);
            if (earlier.isPresent()) {
                return new Accepted(earlier.get().id(), earlier.get().status());
            }
        }
        String from = request.from() != null && !request.from().isBlank() ? request.from() : tenant.fromAddress();
        SendRequest stored = new SendRequest(request.to(), request.cc(), request.bcc(), request.replyTo(), from,
                request.subject(), request.text(), request.html(), request.attachments(), request.metadata());
        String id = MessageIds.next();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        StoredMessage message = new StoredMessage(id, tenant.id(), MessageStatus.QUEUED, null, 0, idempotencyKey,
                "<" + id + "@" + domainOf(from) + ">", toJson(stored), now, null, null, null, null, null, null, null);
        try {
            // committed (with other requests' messages) before the client hears 202
            groupCommit.run(() -> messages.insert(message));
        } catch (DuplicateKeyException raced) {
            // a concurrent request with the same Idempotency-Key won: answer with its message
            StoredMessage winner = messages.findByIdempotencyKey(tenant.id(), idempotencyKey).orElseThrow();
            return new Accepted(winner.id(), winner.status());
        }
        metrics.accepted();
        LOG.info("Accepted message {} for tenant {} ({} recipients)", id, tenant.id(),
                request.toOrEmpty().size() + request.ccOrEmpty().size() + request.bccOrEmpty().size());
        exchange.setVariable(HAND_OFF_ID, id);
        exchange.setVariable("tenantId", tenant.id());
        return new Accepted(id, MessageStatus.QUEUED);
    }

    public Map<String, Object> status(Exchange exchange, @Header("id") String id) {
        Caller caller = ApiAuth.caller(exchange);
        StoredMessage m = messages.find(id).filter(found -> caller.canSee(found.tenantId()))
                .orElseThrow(() -> ApiException.notFound("Message"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", m.id());
        view.put("tenantId", m.tenantId());
        view.put("status", m.status());
        view.put("route", m.route());
        view.put("attempts", m.attempts());
        view.put("createdAt", m.createdAt());
        view.put("sentAt", m.sentAt());
        view.put("providerMessageId", m.providerMessageId());
        view.put("messageId", m.mimeMessageId());
        if (m.lastErrorCategory() != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("category", m.lastErrorCategory());
            error.put("providerReply", m.lastErrorReply());
            error.put("hint", m.lastErrorHint());
            view.put("lastError", error);
        } else {
            view.put("lastError", null);
        }
        // held back until a time still to come: once it has passed, the message is (about to be) tried again
        if (m.waitingReason() != null && !m.status().isFinal() && m.status() != MessageStatus.SENDING
                && m.waitingUntil() != null && m.waitingUntil().isAfter(Instant.now())) {
            Map<String, Object> waiting = new LinkedHashMap<>();
            waiting.put("reason", m.waitingReason());
            waiting.put("until", m.waitingUntil());
            waiting.put("hint", "DAILY_LIMIT".equals(m.waitingReason())
                    ? "The clinic's daily sending limit for this route is reached; the message goes out when the limit allows."
                    : "The clinic's sending rate limit holds the message back until then; it is not failed.");
            view.put("waiting", waiting);
        } else {
            view.put("waiting", null);
        }
        return view;
    }

    private String toJson(SendRequest request) {
        try {
            return mapper.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a validated request", e);
        }
    }

    static String domainOf(String address) {
        String a = address.trim();
        int at = a.lastIndexOf('@');
        String domain = at >= 0 ? a.substring(at + 1) : "mail-gateway.local";
        return domain.replaceAll("[^A-Za-z0-9.-]", "");
    }
}
