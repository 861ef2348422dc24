package io.mailgateway.delivery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.config.GatewayProperties.TenantLimits.RouteLimit;
import io.mailgateway.message.GroupCommit;
import io.mailgateway.message.MessageRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Per-tenant sending limits for each route type (gateway.tenant-limits): messages a second (a Resilience4j rate
 * limiter), sends at once (a Resilience4j bulkhead) and messages in any 24 hours (counted in the database).
 *
 * <p>Over a limit, the message waits: the dispatch route puts it back on the queue with a scheduled delivery
 * time and it is neither an attempt nor a failure. For the rate, the wait is a reservation: a message that is
 * over the rate gets the next free slot of its tenant, so a backlog of 20,000 is spread out at the tenant's rate
 * with one requeue each, instead of coming back again and again; the slot travels with the message and is
 * honoured when it arrives.
 */
@Component("tenantLimits")
public class TenantLimits {

    /** Exchange variable: true when the message must wait; the route requeues it (scheduled delivery header set). */
    public static final String WAIT = "limitWait";
    /** JMS property: the epoch millisecond of the rate slot reserved for this message. */
    public static final String RATE_SLOT = "MailGatewayRateSlot";

    private static final Logger LOG = LoggerFactory.getLogger(TenantLimits.class);
    /** a message over the concurrency limit looks again after this long */
    static final long BUSY_WAIT_MS = 250;
    /** a message over the daily limit looks again after this long */
    static final long DAILY_WAIT_MS = Duration.ofMinutes(10).toMillis();
    private static final long DAILY_COUNT_CACHE_MS = 5_000;

    private final GatewayProperties.TenantLimits config;
    private final JdbcClient jdbc;
    private final RateLimiterRegistry rates = RateLimiterRegistry.ofDefaults();
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final Map<String, long[]> dailyCounts = new ConcurrentHashMap<>();
    private final Map<String, Long> dailyWarned = new ConcurrentHashMap<>();

    private final GroupCommit groupCommit;
    private final MessageRepository messages;
    private final DeliveryMetrics metrics;

    public TenantLimits(GatewayProperties properties, JdbcClient jdbc, GroupCommit groupCommit,
            MessageRepository messages, DeliveryMetrics metrics) {
        this.metrics = metrics;
        this.config = properties.tenantLimits();
        this.jdbc = jdbc;
        this.groupCommit = groupCommit;
        this.messages = messages;
    }

    public RouteLimit limitFor(String route) {
        return switch (route) {
            case "SMTP" -> config.smtp();
            case "GMAIL" -> config.gmail();
            default -> config.platform();
        };
    }

    /**
     * Takes the tenant's permits for one send on the chosen route, or tells the route to requeue the message:
     * variable {@link #WAIT} true, body the message id, {@link DeliveryFailures#SCHEDULED_DELIVERY} the time to
     * look again. A concurrency permit is given back when the exchange completes, whatever its outcome.
     */
    public void acquire(Exchange exchange, @Variable("messageId") String messageId,
            @Variable("tenantId") String tenantId, @Variable("route") String route) {
        RouteLimit limit = limitFor(route);
        exchange.setVariable(WAIT, false);
        if (limit.perDay() == 0 && limit.messagesPerSecond() == 0 && limit.concurrentSends() == 0) {
            return;
        }
        String key = tenantId + "|" + route;
        long now = System.currentTimeMillis();

        // the daily limit: one of today's sends is taken here (atomically) and given back if the message waits
        long[] today = limit.perDay() > 0 ? dailyCount(key, tenantId, route, limit.perDay()) : null;
        if (today != null && !take(today, limit.perDay())) {
            warnDaily(key, limit.perDay());
            waitUntil(exchange, messageId, now + DAILY_WAIT_MS);
            showWaiting(messageId, "DAILY_LIMIT", now + DAILY_WAIT_MS);
            metrics.limitWait(route, "DAILY_LIMIT");
            return;
        }

        Long slot = exchange.getMessage().getHeader(RATE_SLOT, Long.class);
        boolean slotDue = slot != null && slot <= now + 50;
        if (limit.messagesPerSecond() > 0 && !slotDue) {
            long nanos = rateLimiter(key, limit).reservePermission();
            if (nanos != 0) {
                long at = nanos < 0 ? now + 60_000 : now + Math.max(1, nanos / 1_000_000);
                if (nanos > 0) {
                    exchange.getMessage().setHeader(RATE_SLOT, at);
                }
                LOG.debug("Message {} of tenant {} waits for the rate limit of {} until {}", messageId, tenantId, route,
                        Instant.ofEpochMilli(at));
                giveBack(today);
                waitUntil(exchange, messageId, at);
                showWaiting(messageId, "RATE_LIMIT", at);
                metrics.limitWait(route, "RATE_LIMIT");
                return;
            }
        }

        if (limit.concurrentSends() > 0) {
            Bulkhead bulkhead = bulkhead(key, limit);
            if (!bulkhead.tryAcquirePermission()) {
                // keeps a reserved rate slot: it is still this message's
                if (limit.messagesPerSecond() > 0 && !slotDue) {
                    exchange.getMessage().setHeader(RATE_SLOT, now);
                }
                giveBack(today);
                waitUntil(exchange, messageId, now + BUSY_WAIT_MS);
                metrics.limitWait(route, "CONCURRENCY_LIMIT");
                return;
            }
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    bulkhead.onComplete();
                }
            });
        }
        exchange.getMessage().removeHeader(RATE_SLOT);
        if (today != null) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    done(today);
                }
            });
        }
    }

    private void waitUntil(Exchange exchange, String messageId, long at) {
        exchange.setVariable(WAIT, true);
        exchange.getMessage().setBody(messageId);
        exchange.getMessage().setHeader(DeliveryFailures.SCHEDULED_DELIVERY, at);
    }

    /** Tells the status API why the message waits (written with the next group of commits; not waited for). */
    private void showWaiting(String messageId, String reason, long until) {
        groupCommit.submit(() -> messages.waiting(messageId, reason, Instant.ofEpochMilli(until)));
    }

    private RateLimiter rateLimiter(String key, RouteLimit limit) {
        return rates.rateLimiter(key, () -> RateLimiterConfig.custom()
                .limitForPeriod(limit.messagesPerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1))
                // how far ahead a slot may be reserved
                .timeoutDuration(Duration.ofHours(24))
                .build());
    }

    private Bulkhead bulkhead(String key, RouteLimit limit) {
        return bulkheads.bulkhead(key, () -> BulkheadConfig.custom()
                .maxConcurrentCalls(limit.concurrentSends())
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    /**
     * This tenant's sends on this route in the last 24 hours, as {count, countedAt, inFlight}: counted in the
     * database (so every instance sees the others' sends) every few seconds, plus the sends in progress here, plus
     * the sends taken here since. One array per tenant and route, read and changed under its own lock.
     */
    private long[] dailyCount(String key, String tenantId, String route, int perDay) {
        long[] today = dailyCounts.computeIfAbsent(key, k -> new long[] {0, 0, 0});
        long now = System.currentTimeMillis();
        synchronized (today) {
            if (today[1] == 0 || now - today[1] > DAILY_COUNT_CACHE_MS) {
                // the (tenant_id, sent_at) index: only the tenant's last 24 hours are read, never its history
                // (sent_at is set only when a message is SENT); and only whether the limit is reached matters, so
                // the count stops there
                long sent = jdbc.sql("""
                        select count(*) from (select 1 from message where tenant_id = ? and sent_at > ? and route = ?
                        limit ?) d""")
                        .params(tenantId, Timestamp.from(Instant.ofEpochMilli(now).minus(Duration.ofDays(1))), route,
                                perDay)
                        .query(Long.class).single();
                today[0] = sent + today[2];
                today[1] = now;
            }
        }
        return today;
    }

    /** Takes one of today's sends if there is one left; it counts as in progress until the exchange completes. */
    private static boolean take(long[] today, int perDay) {
        synchronized (today) {
            if (today[0] >= perDay) {
                return false;
            }
            today[0]++;
            today[2]++;
            return true;
        }
    }

    /** The message waits after all: its send was not used. */
    private static void giveBack(long[] today) {
        if (today != null) {
            synchronized (today) {
                today[0]--;
                today[2]--;
            }
        }
    }

    /** The send ended (SENT is committed by now, or it failed): no longer in progress. */
    private static void done(long[] today) {
        synchronized (today) {
            today[2]--;
        }
    }

    private void warnDaily(String key, int perDay) {
        long now = System.currentTimeMillis();
        Long last = dailyWarned.get(key);
        if (last == null || now - last > Duration.ofHours(1).toMillis()) {
            dailyWarned.put(key, now);
            LOG.warn("{} reached its limit of {} messages in 24 hours; its messages wait and go out as the limit allows",
                    key.replace('|', ' '), perDay);
        }
    }
}
