package io.mailgateway.message;

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
 * take one message at a time (no client-side prefetch, see {@link io.mailgateway.config.EmbeddedBroker}), so a
 * priority counts as soon as the message is queued.
 */
@Component("handOffPriority")
public class HandOffPriority {

    public static final String JMS_PRIORITY = "JMSPriority";
    private static final long CACHE_MS = 500;

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
        if (tenantId == null) {
            return 4;
        }
        long backlog = backlog(tenantId);
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
        long count = jdbc.sql("select count(*) from message where tenant_id = ? and status in ('QUEUED', 'SENDING', 'RETRYING')")
                .param(tenantId).query(Long.class).single();
        backlogs.put(tenantId, new long[] {count, now});
        return count;
    }
}
