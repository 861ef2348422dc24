package io.mailgateway.message;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mailgateway.config.GatewayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Fairness between tenants on the one hand-off queue: a message's JMS priority falls as its tenant's backlog
 * grows. The broker delivers higher priorities first, so a clinic's single invoice overtakes another clinic's
 * Monday-morning run of 50,000 reminders instead of waiting behind it; within a tenant, order is kept. Consumers
 * take only a few messages ahead (a window of about a kilobyte, see {@link io.mailgateway.config.EmbeddedBroker}),
 * so a priority counts as soon as the message is queued, after at most those few per consumer.
 */
@Component("handOffPriority")
public class HandOffPriority {

    public static final String JMS_PRIORITY = "JMSPriority";
    private static final long CACHE_MS = 500;
    private static final List<String> UNFINISHED = List.of("QUEUED", "SENDING", "RETRYING");

    private final JdbcClient jdbc;
    private final GatewayProperties.HandOff config;
    private final Map<String, long[]> backlogs = new ConcurrentHashMap<>();

    public HandOffPriority(JdbcClient jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.config = properties.handOff();
    }

    /** Sets the JMS priority header for the message of this tenant about to be handed off. */
    public void apply(Exchange exchange, @Variable("tenantId") String tenantId) {
        exchange.getMessage().setHeader(JMS_PRIORITY, priority(tenantId));
    }

    public int priority(String tenantId) {
        return priority(tenantId, 0);
    }

    /**
     * The priority for {@code handingOff} messages of the tenant about to be put on the queue, which then count
     * in its backlog at once: between two counts in the database a tenant that sends hundreds of messages in a
     * burst drops to a lower priority after its first few dozen, not only at the next count.
     */
    public int priority(String tenantId, int handingOff) {
        if (tenantId == null) {
            return 4;
        }
        long backlog = backlog(tenantId);
        if (handingOff > 0) {
            // a count just read may already include these (they are committed before the hand-off): the backlog
            // is then over-counted by one group until the next count, which errs towards the other tenants
            backlogs.computeIfPresent(tenantId, (t, cached) -> new long[] {cached[0] + handingOff, cached[1]});
        }
        if (backlog < config.smallBacklog()) {
            return 7;
        }
        return backlog < config.largeBacklog() ? 4 : 1;
    }

    private long backlog(String tenantId) {
        long now = System.currentTimeMillis();
        long[] cached = backlogs.get(tenantId);
        if (cached != null && now - cached[1] < CACHE_MS) {
            return cached[0];
        }
        // only "under small", "under large" or "large" matters, so each count stops at large-backlog: the cost is
        // bounded by that, not by the tenant's history. One equality per status, so the (tenant_id, status) index is
        // used on both columns (H2 uses only the first for an IN list).
        long count = 0;
        for (String status : UNFINISHED) {
            count += jdbc.sql("select count(*) from (select 1 from message where tenant_id = ? and status = ? limit ?) b")
                    .params(tenantId, status, config.largeBacklog()).query(Long.class).single();
            if (count >= config.largeBacklog()) {
                break;
            }
        }
        backlogs.put(tenantId, new long[] {count, now});
        return count;
    }
}
