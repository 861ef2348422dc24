package io.mailgateway.deadletter;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailgateway.api.ApiException;
import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.api.JsonBodies;
import io.mailgateway.message.MessageRepository;
import io.mailgateway.security.ApiAuth;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What support staff do with dead letters: retry (the message goes through dispatch again with the tenant's
 * current settings) or discard (kept, with who and why). Each action is audited. The ids to hand off again are
 * left in the variable {@code handOff}; the route sends them to dispatch after the transaction committed.
 */
@Component("deadLetterActions")
public class DeadLetterActions {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterActions.class);
    public static final String HAND_OFF = "handOff";
    private static final int BULK_LIMIT = 1000;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final MessageRepository messages;
    private final JsonBodies json;

    public DeadLetterActions(JdbcClient jdbc, TransactionTemplate tx, MessageRepository messages, JsonBodies json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.messages = messages;
        this.json = json;
    }

    public record DiscardRequest(String reason) {
    }

    public record BulkRequest(String tenant, String category, String route, String status, String recipient,
            String from, String to, String q, String reason) {
    }

    public Map<String, Object> retry(Exchange exchange, @Header("id") String id) {
        String actor = actor(exchange);
        String messageId = tx.execute(s -> retryOne(id, actor));
        exchange.setVariable(HAND_OFF, List.of(messageId));
        return result(id, "RETRIED", messageId);
    }

    public Map<String, Object> discard(Exchange exchange, @Header("id") String id) {
        String reason = reason(json.read(exchange, DiscardRequest.class).reason());
        String actor = actor(exchange);
        tx.executeWithoutResult(s -> discardOne(id, actor, reason));
        exchange.setVariable(HAND_OFF, List.of());
        return result(id, "DISCARDED", null);
    }

    public Map<String, Object> bulkRetry(Exchange exchange) {
        BulkRequest r = json.read(exchange, BulkRequest.class);
        return bulk(exchange, r, "RETRY");
    }

    public Map<String, Object> bulkDiscard(Exchange exchange) {
        BulkRequest r = json.read(exchange, BulkRequest.class);
        reason(r.reason());
        return bulk(exchange, r, "DISCARD");
    }

    /** One transaction per item, so one bad item does not stop the rest; the reply lists what failed. */
    private Map<String, Object> bulk(Exchange exchange, BulkRequest r, String action) {
        String actor = actor(exchange);
        // bulk actions only touch NEW dead letters, whatever the status filter says
        DeadLetterFilter filter = DeadLetterFilter.of(r.tenant(), r.category(), r.route(), "NEW", r.recipient(),
                r.from(), r.to(), r.q());
        List<Object> params = new ArrayList<>();
        String where = filter.where(params);
        params.add(BULK_LIMIT);
        List<String> ids = jdbc.sql("select id from dead_letter" + where + " order by created_at limit ?").params(params)
                .query(String.class).list();
        List<String> handOff = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (String id : ids) {
            try {
                if (action.equals("RETRY")) {
                    handOff.add(tx.execute(s -> retryOne(id, actor)));
                } else {
                    tx.executeWithoutResult(s -> discardOne(id, actor, r.reason().trim()));
                }
            } catch (RuntimeException e) {
                String error = e instanceof ApiException api ? api.getMessage() : "could not be changed";
                LOG.warn("Bulk {} of dead letter {} failed: {}", action, id, e.getClass().getSimpleName());
                failed.add(Map.of("id", id, "error", error));
            }
        }
        exchange.setVariable(HAND_OFF, handOff);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("action", action);
        reply.put("matched", ids.size());
        reply.put("count", ids.size() - failed.size());
        reply.put("failed", failed);
        return reply;
    }

    private String retryOne(String id, String actor) {
        String messageId = newDeadLetter(id);
        Integer attempts = jdbc.sql("select attempts from message where id = ?").param(messageId).query(Integer.class).single();
        Instant now = Instant.now();
        int changed = jdbc.sql("""
                update dead_letter set status = 'RETRIED', retried_at = ?, retried_by = ?, retry_attempt = ?
                where id = ? and status = 'NEW'""")
                .params(Timestamp.from(now), actor, attempts + 1, id).update();
        if (changed != 1 || !messages.requeue(messageId)) {
            throw conflict(id);
        }
        audit(id, actor, "RETRY", "message " + messageId + " queued again as attempt " + (attempts + 1));
        LOG.info("Dead letter {} RETRIED by {}: message {} queued again", id, actor, messageId);
        return messageId;
    }

    private void discardOne(String id, String actor, String reason) {
        String messageId = newDeadLetter(id);
        int changed = jdbc.sql("""
                update dead_letter set status = 'DISCARDED', discarded_at = ?, discarded_by = ?, discard_reason = ?
                where id = ? and status = 'NEW'""")
                .params(Timestamp.from(Instant.now()), actor, reason, id).update();
        if (changed != 1) {
            throw conflict(id);
        }
        messages.discarded(messageId);
        audit(id, actor, "DISCARD", reason);
        LOG.info("Dead letter {} DISCARDED by {}", id, actor);
    }

    /** The message id of a dead letter that is still NEW; 404 if unknown, 409 if already retried or discarded. */
    private String newDeadLetter(String id) {
        var row = jdbc.sql("select message_id, status from dead_letter where id = ?").param(id)
                .query((rs, n) -> new String[] {rs.getString("message_id"), rs.getString("status")}).optional()
                .orElseThrow(() -> ApiException.notFound("Dead letter"));
        if (!"NEW".equals(row[1])) {
            throw conflict(id, row[1]);
        }
        return row[0];
    }

    private void audit(String id, String actor, String action, String detail) {
        jdbc.sql("insert into dead_letter_audit (dead_letter_id, actor, action, detail, at) values (?, ?, ?, ?, ?)")
                .params(id, actor, action, detail, Timestamp.from(Instant.now())).update();
    }

    private static ApiException conflict(String id) {
        return new ApiException(409, "conflict", "Dead letter " + id + " was retried or discarded already");
    }

    private static ApiException conflict(String id, String status) {
        return new ApiException(409, "conflict", "Dead letter " + id + " is " + status + " already");
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw ApiException.badRequest(List.of(new FieldError("reason", "required, at most 1000 characters")));
        }
        return reason.trim();
    }

    /** Who acted: the API key's id (the key itself is never stored). */
    private static String actor(Exchange exchange) {
        var caller = ApiAuth.caller(exchange);
        return caller.role() + ":" + caller.keyId();
    }

    private static Map<String, Object> result(String id, String status, String messageId) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", id);
        reply.put("status", status);
        if (messageId != null) {
            reply.put("messageId", messageId);
        }
        return reply;
    }
}
