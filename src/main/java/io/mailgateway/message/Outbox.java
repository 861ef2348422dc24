package io.mailgateway.message;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mailgateway.config.GatewayProperties;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The outbox of the hand-off queue: the message_outbox table holds a row for every accepted (or retried) message
 * that is not on the queue yet, written in the same transaction as the message. The hand-off deletes the rows of
 * what it put on the queue. Rows older than the grace period (the process died in between, or the broker was
 * unreachable) are claimed here, by one instance at a time, and handed off again.
 */
@Component("outbox")
public class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final Duration grace;
    private final Duration claimFor;

    public Outbox(JdbcClient jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.grace = properties.handOff().outboxGrace();
        this.claimFor = properties.handOff().outboxGrace().multipliedBy(6);
    }

    /** A message is on the queue (variable: its id). */
    public void handedOff(@Variable("messageId") String id) {
        handedOff(List.of(id));
    }

    /** A group of messages is on the queue. */
    public void handedOff(List<String> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql("delete from message_outbox where message_id in (:ids)").param("ids", ids).update();
        }
    }

    /**
     * Ids that were accepted (or retried) more than the grace period ago and are not on the queue. Each is claimed
     * with a conditional update, so two instances never hand off the same row at once; a claim that was not
     * completed (the claimer died) expires and can be taken again. Oldest first by id: message ids are time-ordered
     * (MessageIds), so the primary key gives the order without an index of its own.
     */
    public List<String> claimStale() {
        Instant now = Instant.now();
        List<String> candidates = jdbc.sql("""
                select message_id from message_outbox where created_at < ?
                and (claimed_at is null or claimed_at < ?) order by message_id limit ?""")
                .params(Timestamp.from(now.minus(grace)), Timestamp.from(now.minus(claimFor)), BATCH)
                .query(String.class).list();
        List<String> claimed = new ArrayList<>();
        for (String id : candidates) {
            int won = jdbc.sql("""
                    update message_outbox set claimed_at = ? where message_id = ?
                    and (claimed_at is null or claimed_at < ?)""")
                    .params(Timestamp.from(now), id, Timestamp.from(now.minus(claimFor))).update();
            if (won == 1) {
                claimed.add(id);
            }
        }
        if (!claimed.isEmpty()) {
            LOG.warn("Outbox: handing off {} messages that were not on the queue yet", claimed.size());
        }
        return claimed;
    }
}
