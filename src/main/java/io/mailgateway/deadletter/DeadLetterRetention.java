package io.mailgateway.deadletter;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import io.mailgateway.config.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Patient data must not linger: dead letters older than {@code gateway.dead-letters.retention} are deleted with
 * their audit trail, and so are their messages (request, bodies, attempts) unless a retry has since sent them.
 * Called by the scheduled route in routes/dead-letter.camel.yaml.
 */
@Component("deadLetterRetention")
public class DeadLetterRetention {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRetention.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final GatewayProperties properties;

    public DeadLetterRetention(JdbcClient jdbc, TransactionTemplate tx, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.properties = properties;
    }

    /** Returns how many dead letters were purged. */
    public int purge() {
        Instant cutoff = Instant.now().minus(properties.deadLetters().retention());
        int purged = 0;
        while (true) {
            Integer batch = tx.execute(s -> purgeBatch(cutoff));
            purged += batch;
            if (batch < BATCH) {
                break;
            }
        }
        if (purged > 0) {
            LOG.info("Purged {} dead letters created before {} (retention {})", purged, cutoff,
                    properties.deadLetters().retention());
        } else {
            LOG.debug("No dead letters older than {} to purge", cutoff);
        }
        return purged;
    }

    private int purgeBatch(Instant cutoff) {
        List<String[]> rows = jdbc.sql("select id, message_id from dead_letter where created_at < ? order by created_at limit ?")
                .params(Timestamp.from(cutoff), BATCH)
                .query((rs, n) -> new String[] {rs.getString("id"), rs.getString("message_id")}).list();
        for (String[] row : rows) {
            jdbc.sql("delete from dead_letter_audit where dead_letter_id = ?").param(row[0]).update();
            jdbc.sql("delete from dead_letter where id = ?").param(row[0]).update();
            long others = jdbc.sql("select count(*) from dead_letter where message_id = ?").param(row[1])
                    .query(Long.class).single();
            String status = jdbc.sql("select status from message where id = ?").param(row[1]).query(String.class)
                    .optional().orElse(null);
            if (others == 0 && ("DEAD_LETTERED".equals(status) || "DISCARDED".equals(status))) {
                jdbc.sql("delete from message_attempt where message_id = ?").param(row[1]).update();
                jdbc.sql("delete from message where id = ?").param(row[1]).update();
            }
        }
        return rows.size();
    }
}
