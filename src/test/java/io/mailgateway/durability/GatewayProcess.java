package io.mailgateway.durability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/** The packaged gateway (target/*.jar) as its own process, as an operator runs it: started, killed, restarted. */
final class GatewayProcess {

    static final String ADMIN_KEY = "crash-admin-key-7HqZ";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Path dataDir;
    private final int port;
    private final Map<String, String> env = new HashMap<>();
    private Process process;
    private int starts;

    GatewayProcess(Path dataDir, Map<String, String> settings) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("mail-gateway-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("run mvn package first: no target/mail-gateway-*.jar"))
                    .toAbsolutePath();
        }
        this.dataDir = dataDir;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        env.put("SPRING_PROFILES_ACTIVE", "prod");
        env.put("PORT", String.valueOf(port));
        env.put("GATEWAY_ADMIN_KEY", ADMIN_KEY);
        env.put("GATEWAY_ENCRYPTION_KEYS", "crash1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        // the embedded defaults: H2 file database and Artemis journal under ./data of the working directory
        env.putAll(settings);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    void start() throws IOException {
        starts++;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("gateway-run-" + starts + ".log").toFile());
        builder.environment().putAll(env);
        process = builder.start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited; see " + dataDir.resolve("gateway-run-" + starts + ".log"));
            }
            return ready();
        });
    }

    private boolean ready() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: no shutdown hook, no graceful anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
