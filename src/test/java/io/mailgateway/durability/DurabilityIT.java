package io.mailgateway.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Once the gateway answered 202, the message reaches SENT or DEAD_LETTERED, whatever happens to the process or
 * the mail server in between. The packaged jar runs as its own process with the embedded Artemis broker and an
 * H2 file database; the platform relay is a GreenMail server in this JVM.
 */
@Tag("e2e")
class DurabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private GreenMail relay;
    private GatewayProcess gateway;

    @AfterEach
    void stopAll() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
        if (relay != null) {
            relay.stop();
        }
    }

    /** A fresh folder under target/ for the process's database, journal and logs (kept for a look afterwards). */
    private static Path runDir(String name) throws IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private GatewayProcess startGateway(Path dir, int relayPort, Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of(
                "GATEWAY_RELAY_HOST", "127.0.0.1",
                "GATEWAY_RELAY_PORT", String.valueOf(relayPort),
                "GATEWAY_RELAY_SECURITY", "NONE",
                "GATEWAY_CONSUMERS", "8"));
        env.putAll(extra);
        gateway = new GatewayProcess(dir, env);
        gateway.start();
        return gateway;
    }

    private HttpResponse<String> call(String method, String path, String key, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates the clinic and returns its SENDER key. */
    private String clinic(String id) throws Exception {
        HttpResponse<String> tenant = call("POST", "/api/v1/tenants", GatewayProcess.ADMIN_KEY, """
                {"id":"%s","name":"Clinic","loginEmail":"office@%s.example","fromAddress":"noreply@%s.example"}"""
                .formatted(id, id, id));
        assertThat(tenant.statusCode()).isEqualTo(201);
        HttpResponse<String> key = call("POST", "/api/v1/tenants/" + id + "/api-keys", GatewayProcess.ADMIN_KEY, "{\"role\":\"SENDER\"}");
        return JSON.readTree(key.body()).path("key").asText();
    }

    private static String message(int n) {
        String text = "Reminder " + n + ". " + "x".repeat(1900);
        return "{\"to\":[\"patient" + n + "@example.org\"],\"subject\":\"Reminder " + n + "\",\"text\":\"" + text + "\"}";
    }

    /** Sends until {@code target} messages are accepted or the gateway stops answering; returns the accepted ids. */
    private void sendUntil(String key, int target, Set<String> accepted, AtomicInteger sequence, AtomicBoolean stop)
            throws InterruptedException {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            senders.submit(() -> {
                while (!stop.get() && accepted.size() < target) {
                    int n = sequence.incrementAndGet();
                    try {
                        HttpResponse<String> r = call("POST", "/api/v1/messages", key, message(n));
                        if (r.statusCode() == 202) {
                            accepted.add(JSON.readTree(r.body()).path("id").asText());
                        }
                    } catch (IOException e) {
                        return null; // the gateway is gone: this sender's part of the run is over
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(10, TimeUnit.MINUTES);
    }

    private Map<String, Integer> receivedByMessageId() throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (MimeMessage m : relay.getReceivedMessages()) {
            counts.merge(m.getMessageID(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void killedWithMinus9MidStreamEveryAcceptedMessageIsDeliveredAfterTheRestart() throws Exception {
        Path dir = runDir("durability-crash");
        int relayPort = freePort();
        relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        startGateway(dir, relayPort, Map.of());
        String key = clinic("crash-clinic");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger sequence = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();

        // send at full speed; kill -9 once 800 are accepted, while requests and sends are in flight
        Thread killer = new Thread(() -> {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5)).until(() -> accepted.size() >= 800);
            try {
                gateway.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            killed.set(true);
        });
        killer.start();
        sendUntil(key, 2000, accepted, sequence, new AtomicBoolean());
        killer.join();
        int acceptedBeforeKill = accepted.size();
        int deliveredAtKill = relay.getReceivedMessages().length;
        assertThat(killed).isTrue();

        gateway.start();
        sendUntil(key, 2000, accepted, sequence, new AtomicBoolean());
        assertThat(accepted.size()).isGreaterThanOrEqualTo(2000);

        Set<String> expected = new java.util.HashSet<>();
        for (String id : accepted) {
            expected.add("<" + id + "@crash-clinic.example>");
        }
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> receivedByMessageId().keySet().containsAll(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> missing = new java.util.TreeSet<>(expected);
            missing.removeAll(receivedByMessageId().keySet());
            StringBuilder why = new StringBuilder(missing.size() + " accepted messages never arrived; statuses:");
            for (String m : missing.stream().limit(20).toList()) {
                String id = m.substring(1, m.indexOf('@'));
                why.append("\n  ").append(id).append(' ').append(call("GET", "/api/v1/messages/" + id, key, null).body());
            }
            throw new AssertionError(why.toString(), e);
        }
        Map<String, Integer> received = receivedByMessageId();
        long duplicates = received.values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
        List<String> notSent = new ArrayList<>();
        for (String id : accepted) {
            JsonNode status = JSON.readTree(call("GET", "/api/v1/messages/" + id, key, null).body());
            if (!"SENT".equals(status.path("status").asText())) {
                notSent.add(id + "=" + status.path("status").asText());
            }
        }
        String report = "crash test: accepted " + accepted.size() + " (" + acceptedBeforeKill + " before kill -9, "
                + deliveredAtKill + " delivered by then), delivered " + expected.size() + " distinct, duplicates "
                + duplicates + ", not SENT " + notSent.size();
        System.out.println(report);
        Files.writeString(Path.of("target", "durability-crash-report.txt"), report + "\n");
        assertThat(notSent).as("every accepted message is SENT").isEmpty();
        assertThat(duplicates).as("duplicates stay rare").isLessThan(50);
    }

    @Test
    void aThirtySecondRelayOutageDelaysMailButDeadLettersNothing() throws Exception {
        Path dir = runDir("durability-outage");
        int relayPort = freePort();
        relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        // a retry budget longer than the outage: 1 + 2 + 4 + 8 + 8 + … seconds, 10 retries
        startGateway(dir, relayPort, Map.of(
                "GATEWAY_RETRY_MAXREDELIVERIES", "10",
                "GATEWAY_RETRY_INITIALDELAYMS", "1000",
                "GATEWAY_RETRY_MULTIPLIER", "2",
                "GATEWAY_RETRY_MAXDELAYMS", "8000"));
        String key = clinic("outage-clinic");
        List<String> ids = new ArrayList<>();
        Instant start = Instant.now();
        Instant outageFrom = start.plusSeconds(5);
        Instant outageUntil = outageFrom.plusSeconds(30);
        boolean down = false;
        int n = 0;
        // 10 messages a second for 45 seconds; the relay is down from second 5 to second 35
        while (Instant.now().isBefore(start.plusSeconds(45))) {
            Instant now = Instant.now();
            if (!down && now.isAfter(outageFrom) && now.isBefore(outageUntil)) {
                relay.stop();
                down = true;
            } else if (down && now.isAfter(outageUntil)) {
                relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
                relay.start();
                down = false;
            }
            HttpResponse<String> r = call("POST", "/api/v1/messages", key, message(++n));
            assertThat(r.statusCode()).isEqualTo(202);
            ids.add(JSON.readTree(r.body()).path("id").asText());
            Thread.sleep(100); // the load generator's pace, not synchronisation
        }
        if (down) {
            relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            relay.start();
        }

        Map<String, JsonNode> finalStatus = new ConcurrentHashMap<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (String id : ids) {
                if (!finalStatus.containsKey(id)) {
                    JsonNode s = JSON.readTree(call("GET", "/api/v1/messages/" + id, key, null).body());
                    if (Set.of("SENT", "DEAD_LETTERED").contains(s.path("status").asText())) {
                        finalStatus.put(id, s);
                    }
                }
            }
            return finalStatus.size() == ids.size();
        });
        long deadLettered = finalStatus.values().stream().filter(s -> s.path("status").asText().equals("DEAD_LETTERED")).count();
        long retried = finalStatus.values().stream().filter(s -> s.path("attempts").asInt() > 1).count();
        String report = "outage test: " + ids.size() + " messages, " + retried + " needed more than one attempt, "
                + deadLettered + " dead-lettered";
        System.out.println(report);
        Files.writeString(Path.of("target", "durability-outage-report.txt"), report + "\n");
        assertThat(retried).as("the outage was felt: messages went RETRYING").isGreaterThan(50);
        assertThat(deadLettered).isZero();
        assertThat(finalStatus.values()).allSatisfy(s -> assertThat(s.path("status").asText()).isEqualTo("SENT"));
    }
}
