package io.mailgateway.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two gateway processes share one standalone Apache Artemis broker (the distribution from Maven Central, unpacked
 * by the e2e profile) and one PostgreSQL database. Messages sent to either are delivered once each; when one is
 * killed, the other finishes the work.
 */
@Tag("e2e")
class TwoInstancesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String BROKER_USER = "gateway";
    private static final String BROKER_PASSWORD = "broker-Pa55-2x";

    private Process broker;
    private GreenMail relay;
    private final List<GatewayProcess> gateways = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (GatewayProcess g : gateways) {
            g.stop();
        }
        if (broker != null) {
            broker.destroy();
            broker.waitFor(30, TimeUnit.SECONDS);
            broker.destroyForcibly();
        }
        if (relay != null) {
            relay.stop();
        }
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path fresh(String name) throws IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** Creates and starts a broker instance with the address settings the hand-off queue needs. */
    private int startBroker() throws Exception {
        Path dist;
        try (Stream<Path> dirs = Files.list(Path.of("target", "artemis-dist"))) {
            dist = dirs.findFirst().orElseThrow().toAbsolutePath();
        }
        Path instance = fresh("two-instances-broker");
        int port = freePort();
        Process create = new ProcessBuilder(dist.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", BROKER_USER, "--password", BROKER_PASSWORD, "--require-login", "--silent", "--no-web",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                "--default-port", String.valueOf(port), "--force")
                .redirectErrorStream(true).redirectOutput(instance.resolve("../two-instances-broker-create.log").toFile()).start();
        assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        Path brokerXml = instance.resolve("etc/broker.xml");
        String xml = Files.readString(brokerXml);
        xml = xml.replace("<address-setting match=\"#\">", """
                <address-setting match="mail.dispatch">
                            <redelivery-delay>1000</redelivery-delay>
                            <redelivery-delay-multiplier>2</redelivery-delay-multiplier>
                            <max-redelivery-delay>60000</max-redelivery-delay>
                            <max-delivery-attempts>-1</max-delivery-attempts>
                         </address-setting>
                         <address-setting match="#">""");
        Files.writeString(brokerXml, xml);
        broker = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run").redirectErrorStream(true)
                .redirectOutput(instance.resolve("../two-instances-broker.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return port;
    }

    private HttpResponse<String> call(GatewayProcess gateway, String method, String path, String key, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Integer> received() throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (MimeMessage m : relay.getReceivedMessages()) {
            counts.merge(m.getMessageID(), 1, Integer::sum);
        }
        return counts;
    }

    private void send(List<GatewayProcess> targets, String key, int count, Set<String> accepted, AtomicInteger sequence)
            throws InterruptedException {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            senders.submit(() -> {
                int n;
                while ((n = sequence.incrementAndGet()) <= count) {
                    GatewayProcess target = targets.get(n % targets.size());
                    try {
                        HttpResponse<String> r = call(target, "POST", "/api/v1/messages", key,
                                "{\"to\":[\"p" + n + "@example.org\"],\"subject\":\"Two instances " + n + "\",\"text\":\"Hello.\"}");
                        if (r.statusCode() == 202) {
                            accepted.add(JSON.readTree(r.body()).path("id").asText());
                        }
                    } catch (IOException e) {
                        // the target was killed; the request was not accepted
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(10, TimeUnit.MINUTES);
    }

    @Test
    void twoInstancesShareTheWorkDeliverOnceAndOneFinishesWhatTheOtherLeft() throws Exception {
        String dbUrl = System.getenv("GATEWAY_TEST_DB_URL");
        assumeTrue(dbUrl != null && dbUrl.startsWith("jdbc:postgresql:"), "needs PostgreSQL: set GATEWAY_TEST_DB_URL (.ci/run does)");
        String dbUser = System.getenv("GATEWAY_TEST_DB_USER");
        String dbPassword = System.getenv("GATEWAY_TEST_DB_PASSWORD");
        try (Connection c = DriverManager.getConnection(dbUrl, dbUser, dbPassword); Statement s = c.createStatement()) {
            s.execute("drop schema if exists two_instances cascade");
            s.execute("create schema two_instances");
        }
        int brokerPort = startBroker();
        int relayPort = freePort();
        relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        Map<String, String> shared = new HashMap<>(Map.of(
                "GATEWAY_ARTEMIS_MODE", "native",
                "GATEWAY_ARTEMIS_URL", "tcp://127.0.0.1:" + brokerPort,
                "GATEWAY_ARTEMIS_USER", BROKER_USER,
                "GATEWAY_ARTEMIS_PASSWORD", BROKER_PASSWORD,
                "GATEWAY_DB_URL", dbUrl + (dbUrl.contains("?") ? "&" : "?") + "currentSchema=two_instances",
                "GATEWAY_DB_USER", dbUser,
                "GATEWAY_DB_PASSWORD", dbPassword,
                "GATEWAY_RELAY_HOST", "127.0.0.1",
                "GATEWAY_RELAY_PORT", String.valueOf(relayPort),
                "GATEWAY_RELAY_SECURITY", "NONE"));
        GatewayProcess a = new GatewayProcess(fresh("two-instances-a"), shared);
        gateways.add(a);
        a.start();
        GatewayProcess b = new GatewayProcess(fresh("two-instances-b"), shared);
        gateways.add(b);
        b.start();

        HttpResponse<String> tenant = call(a, "POST", "/api/v1/tenants", GatewayProcess.ADMIN_KEY,
                "{\"id\":\"shared-clinic\",\"name\":\"Shared\",\"loginEmail\":\"o@shared.example\",\"fromAddress\":\"n@shared.example\"}");
        assertThat(tenant.statusCode()).isEqualTo(201);
        String key = JSON.readTree(call(b, "POST", "/api/v1/tenants/shared-clinic/api-keys", GatewayProcess.ADMIN_KEY,
                "{\"role\":\"SENDER\"}").body()).path("key").asText();

        // 1. both running: 600 messages, sent to either, each delivered once
        Set<String> first = ConcurrentHashMap.newKeySet();
        send(List.of(a, b), key, 600, first, new AtomicInteger());
        assertThat(first).hasSize(600);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> received().size() >= 600);
        Map<String, Integer> afterFirst = received();
        assertThat(afterFirst).hasSize(600);
        assertThat(afterFirst.values()).as("each message delivered exactly once").allMatch(c -> c == 1);

        // 2. kill -9 one of them while messages flow to both: the other finishes everything that was accepted
        Set<String> second = ConcurrentHashMap.newKeySet();
        AtomicInteger sequence = new AtomicInteger(600);
        Thread killer = new Thread(() -> {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5)).until(() -> second.size() >= 300);
            try {
                a.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        send(List.of(a, b), key, 1600, second, sequence);
        killer.join();
        Set<String> expected = new java.util.HashSet<>();
        for (String id : second) {
            expected.add("<" + id + "@shared.example>"); // the Message-ID is in the from address's domain
        }
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> received().keySet().containsAll(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> missing = new java.util.TreeSet<>(expected);
            missing.removeAll(received().keySet());
            StringBuilder why = new StringBuilder(missing.size() + " of " + expected.size() + " accepted never arrived ("
                    + received().size() + " distinct received); statuses:");
            for (String m : missing.stream().limit(10).toList()) {
                String id = m.substring(1, m.indexOf('@'));
                why.append("\n  ").append(id).append(' ').append(call(b, "GET", "/api/v1/messages/" + id, key, null).body());
            }
            throw new AssertionError(why.toString(), e);
        }
        for (String id : second) {
            String status = JSON.readTree(call(b, "GET", "/api/v1/messages/" + id, key, null).body()).path("status").asText();
            assertThat(status).as(id).isEqualTo("SENT");
        }
        long duplicates = received().values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
        String report = "two instances: 600 delivered once each with both running; after kill -9 of one, "
                + second.size() + " accepted, all SENT by the survivor, duplicates " + duplicates;
        System.out.println(report);
        Files.writeString(Path.of("target", "durability-two-instances-report.txt"), report + "\n");
        assertThat(duplicates).isLessThan(50);
    }
}
