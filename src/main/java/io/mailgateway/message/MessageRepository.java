package io.mailgateway.message;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.mailgateway.failure.Failure;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class MessageRepository {

    private static final String SELECT =
            "select m.*, b.request_json from message m join message_body b on b.message_id = m.id ";

    private final JdbcClient jdbc;

    public MessageRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(StoredMessage m) {
        jdbc.sql("""
                insert into message (id, tenant_id, status, attempts, idempotency_key, mime_message_id,
                                     created_at, updated_at)
                values (?, ?, ?, 0, ?, ?, ?, ?)""")
                .params(m.id(), m.tenantId(), m.status().name(), m.idempotencyKey(), m.mimeMessageId(),
                        Timestamp.from(m.createdAt()), Timestamp.from(m.createdAt()))
                .update();
        jdbc.sql("insert into message_body (message_id, request_json) values (?, ?)")
                .params(m.id(), m.requestJson()).update();
        outboxRow(m.id(), Timestamp.from(m.createdAt()), null);
    }

    /** The message's row in the outbox: not on the queue yet (claimedAt: who hands it off has claimed it). */
    private void outboxRow(String id, Timestamp createdAt, Timestamp claimedAt) {
        jdbc.sql("insert into message_outbox (message_id, created_at, claimed_at) values (?, ?, ?)")
                .params(id, createdAt, claimedAt).update();
    }

    public Optional<StoredMessage> find(String id) {
        return jdbc.sql(SELECT + "where m.id = ?").param(id).query(MessageRepository::map).optional();
    }

    /**
     * A message to deliver and what its tenant's route is chosen from: the status of its SMTP settings (null:
     * none) and whether a Gmail account is connected (in any state). One query for the three tables.
     */
    public record ForDelivery(StoredMessage message, String smtpStatus, boolean gmailAccount) {
    }

    public Optional<ForDelivery> findForDelivery(String id) {
        return jdbc.sql("""
                select m.*, b.request_json, s.status as smtp_status, g.tenant_id as gmail_tenant
                from message m join message_body b on b.message_id = m.id
                left join smtp_settings s on s.tenant_id = m.tenant_id
                left join gmail_account g on g.tenant_id = m.tenant_id
                where m.id = ?""").param(id)
                .query((rs, n) -> new ForDelivery(map(rs, n), rs.getString("smtp_status"),
                        rs.getString("gmail_tenant") != null))
                .optional();
    }

    public Optional<StoredMessage> findByIdempotencyKey(String tenantId, String key) {
        return jdbc.sql(SELECT + "where m.tenant_id = ? and m.idempotency_key = ?")
                .params(tenantId, key).query(MessageRepository::map).optional();
    }

    /** Starts an attempt: SENDING, one more attempt, on the chosen route. */
    public void startAttempt(String id, String route) {
        jdbc.sql("""
                update message set status = 'SENDING', route = ?, attempts = attempts + 1, updated_at = ?,
                       waiting_reason = null, waiting_until = null
                where id = ?""")
                .params(route, now(), id).update();
    }

    /** The tenant's sending limits hold the message back until the given time. */
    public void waiting(String id, String reason, Instant until) {
        jdbc.sql("update message set waiting_reason = ?, waiting_until = ? where id = ? and status in ('QUEUED', 'RETRYING')")
                .params(reason, Timestamp.from(until), id).update();
    }

    /** A failed attempt that will be tried again (the next attempt counts itself when it starts). */
    public void retrying(String id, Failure failure) {
        recordAttempt(id, "FAILED", failure);
        jdbc.sql("""
                update message set status = 'RETRYING', last_error_category = ?,
                       last_error_reply = ?, last_error_hint = ?, updated_at = ?
                where id = ?""")
                .params(failure.category().name(), failure.providerReply(), failure.hint(), now(), id).update();
    }

    /**
     * The attempt (its number and route, as started) ended in SENT; {@code withStart}: its start was not written
     * (see {@link #startAttempt}), so this write counts it and sets its route too.
     */
    public void sent(String id, int attempt, String route, String providerMessageId, boolean withStart) {
        // the attempt's number and route are known here: no read of the message row inside the write
        jdbc.sql("insert into message_attempt (message_id, attempt, route, outcome, at) values (?, ?, ?, 'SENT', ?)")
                .params(id, attempt, route, now()).update();
        if (withStart) {
            jdbc.sql("""
                    update message set status = 'SENT', route = ?, attempts = attempts + 1, sent_at = ?,
                           provider_message_id = ?, updated_at = ?, waiting_reason = null, waiting_until = null
                    where id = ?""")
                    .params(route, now(), providerMessageId, now(), id).update();
        } else {
            jdbc.sql("update message set status = 'SENT', sent_at = ?, provider_message_id = ?, updated_at = ? where id = ?")
                    .params(now(), providerMessageId, now(), id).update();
        }
    }

    public void deadLettered(String id, Failure failure) {
        recordAttempt(id, "FAILED", failure);
        jdbc.sql("""
                update message set status = 'DEAD_LETTERED', last_error_category = ?, last_error_reply = ?,
                       last_error_hint = ?, updated_at = ?
                where id = ?""")
                .params(failure.category().name(), failure.providerReply(), failure.hint(), now(), id).update();
    }

    /** The attempt that just ended, numbered and routed as the message row says. */
    private void recordAttempt(String id, String outcome, Failure failure) {
        jdbc.sql("""
                insert into message_attempt (message_id, attempt, route, outcome, category, provider_reply, at)
                select id, attempts, route, ?, ?, ?, ? from message where id = ?""")
                .params(outcome, failure == null ? null : failure.category().name(),
                        failure == null ? null : failure.providerReply(), now(), id)
                .update();
    }

    /**
     * A dead letter is retried: the message is queued again and keeps its id, Message-ID and attempt count, with
     * its outbox row in the same transaction: if it does not reach the queue after the commit, the outbox route
     * hands it off. The row is written claimed (by the retry's own hand-off, which follows the commit), so the
     * outbox route leaves it alone while a bulk retry of many messages is still handing them off one by one, and
     * takes it only once that claim has expired.
     */
    public boolean requeue(String id) {
        Timestamp now = now();
        if (jdbc.sql("update message set status = 'QUEUED', updated_at = ? where id = ? and status = 'DEAD_LETTERED'")
                .params(now, id).update() != 1) {
            return false;
        }
        // a row of its first hand-off whose delete has not been committed yet is replaced, so the grace starts now
        jdbc.sql("delete from message_outbox where message_id = ?").param(id).update();
        outboxRow(id, now, now);
        return true;
    }

    public void discarded(String id) {
        jdbc.sql("update message set status = 'DISCARDED', updated_at = ? where id = ? and status = 'DEAD_LETTERED'")
                .params(now(), id).update();
    }

    public List<java.util.Map<String, Object>> attempts(String id) {
        return jdbc.sql("select attempt, route, outcome, category, provider_reply, at from message_attempt "
                        + "where message_id = ? order by attempt, id")
                .param(id).query((rs, n) -> {
                    java.util.Map<String, Object> a = new java.util.LinkedHashMap<>();
                    a.put("attempt", rs.getInt("attempt"));
                    a.put("route", rs.getString("route"));
                    a.put("outcome", rs.getString("outcome"));
                    a.put("category", rs.getString("category"));
                    a.put("providerReply", rs.getString("provider_reply"));
                    a.put("at", rs.getTimestamp("at").toInstant());
                    return a;
                }).list();
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static StoredMessage map(ResultSet rs, int row) throws SQLException {
        Timestamp sent = rs.getTimestamp("sent_at");
        Timestamp waiting = rs.getTimestamp("waiting_until");
        return new StoredMessage(rs.getString("id"), rs.getString("tenant_id"),
                MessageStatus.valueOf(rs.getString("status")), rs.getString("route"), rs.getInt("attempts"),
                rs.getString("idempotency_key"), rs.getString("mime_message_id"), rs.getString("request_json"),
                rs.getTimestamp("created_at").toInstant(), sent == null ? null : sent.toInstant(),
                rs.getString("provider_message_id"), rs.getString("last_error_category"),
                rs.getString("last_error_reply"), rs.getString("last_error_hint"), rs.getString("waiting_reason"),
                waiting == null ? null : waiting.toInstant());
    }
}
