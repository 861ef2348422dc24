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
 * The message table as the outbox of the hand-off queue. Intake commits the row, puts the id on the queue and
 * marks it handed off. Rows that were committed but never marked (the process died in between, or the broker was
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

    /** Marks a message handed off (body or variable: its id). */
    public void handedOff(@Variable("messageId") String id) {
        jdbc.sql("update message set handed_off_at = ? where id = ? and handed_off_at is null")
                .params(Timestamp.from(Instant.now()), id).update();
    }

    /** Marks a group of messages handed off. */
    public void handedOff(List<String> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql("update message set handed_off_at = :now where id in (:ids) and handed_off_at is null")
                    .param("now", Timestamp.from(Instant.now())).param("ids", ids).update();
        }
    }

    /**
     * Ids that were accepted more than the grace period ago and never handed off. Each is claimed with a
     * conditional update, so two instances never hand off the same row at once; a claim that was not completed
     * (the claimer died) expires and can be taken again.
     */
    public List<String> claimStale() {
        Instant now = Instant.now();
        List<String> candidates = jdbc.sql("""
                select id from message where handed_off_at is null and created_at < ?
                and (handoff_claimed_at is null or handoff_claimed_at < ?) order by created_at limit ?""")
                .params(Timestamp.from(now.minus(grace)), Timestamp.from(now.minus(claimFor)), BATCH)
                .query(String.class).list();
        List<String> claimed = new ArrayList<>();
        for (String id : candidates) {
            int won = jdbc.sql("""
                    update message set handoff_claimed_at = ? where id = ? and handed_off_at is null
                    and (handoff_claimed_at is null or handoff_claimed_at < ?)""")
                    .params(Timestamp.from(now), id, Timestamp.from(now.minus(claimFor))).update();
            if (won == 1) {
                claimed.add(id);
            }
        }
        if (!claimed.isEmpty()) {
            LOG.warn("Outbox: handing off {} accepted messages that were not on the queue yet", claimed.size());
        }
        return claimed;
    }
}
