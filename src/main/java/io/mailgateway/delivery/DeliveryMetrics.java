package io.mailgateway.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The gateway's own counters, next to Camel's route metrics, scraped at {@code /actuator/prometheus}:
 * <ul>
 * <li>{@code mailgateway_messages_accepted_total}: messages accepted by the API;</li>
 * <li>{@code mailgateway_messages_total{outcome, route, category}}: ended attempts: {@code sent}, {@code retried}
 * (a transient failure, tried again later) and {@code dead_lettered}, with the failure category;</li>
 * <li>{@code mailgateway_limit_waits_total{route, reason}}: messages held back by a tenant's sending limits.</li>
 * </ul>
 * Tags never carry a tenant, an address or a message id: bounded, and nothing personal.
 */
@Component
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Counter accepted;
    // the registry looks a counter up by building its id and tags; on the hot path that cost more than the count,
    // so each (bounded) combination is looked up once
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("mailgateway.messages.accepted")
                .description("Messages accepted by the API (answered 202)").register(registry);
    }

    public void accepted() {
        accepted.increment();
    }

    public void sent(String route) {
        outcome("sent", route, "NONE");
    }

    public void retried(String route, String category) {
        outcome("retried", route, category);
    }

    public void deadLettered(String route, String category) {
        outcome("dead_lettered", route, category);
    }

    public void limitWait(String route, String reason) {
        counters.computeIfAbsent(List.of("limit", tagValue(route), tagValue(reason)), k -> Counter
                .builder("mailgateway.limit.waits")
                .description("Messages held back by a tenant's sending limits (they wait; they are not failed)")
                .tag("route", k.get(1)).tag("reason", k.get(2)).register(registry)).increment();
    }

    private void outcome(String outcome, String route, String category) {
        counters.computeIfAbsent(List.of("messages", outcome, tagValue(route), tagValue(category)), k -> Counter
                .builder("mailgateway.messages")
                .description("Ended delivery attempts by outcome, route and failure category")
                .tag("outcome", k.get(1)).tag("route", k.get(2)).tag("category", k.get(3)).register(registry))
                .increment();
    }

    private static String tagValue(String value) {
        return value == null ? "NONE" : value;
    }
}
