package io.mailgateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailgateway.crypto.SecretCipher;
import io.mailgateway.settings.GmailAccount;
import io.mailgateway.settings.MailSettingsRepository;
import io.mailgateway.settings.SmtpSecurity;
import io.mailgateway.settings.SmtpSettings;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * Starts the whole gateway once (the Spring context is shared by every subclass) against real parts:
 * a GreenMail relay and a GreenMail "tenant mail server", both with SMTP AUTH, and the fake Google endpoints.
 * Tests talk to it over HTTP like an upstream system.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class GatewayTestSupport {

    public static final String RELAY_USER = "relay";
    public static final String TENANT_SMTP_USER = "clinic-mailbox";

    protected static final GreenMail RELAY = new GreenMail(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(RELAY_USER, TestSecrets.RELAY_PASSWORD));
    protected static final GreenMail TENANT_SMTP = new GreenMail(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(TENANT_SMTP_USER, TestSecrets.SMTP_PASSWORD));
    protected static final FakeGoogle GOOGLE = FakeGoogle.start();

    static {
        RELAY.start();
        TENANT_SMTP.start();
    }

    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) {
        registry.add("gateway.relay.host", () -> "127.0.0.1");
        registry.add("gateway.relay.port", () -> RELAY.getSmtp().getPort());
        registry.add("gateway.google.token-url", () -> GOOGLE.baseUrl() + "/token");
        registry.add("gateway.google.gmail-root-url", () -> GOOGLE.baseUrl() + "/");
        registry.add("gateway.google.authorization-url", () -> GOOGLE.baseUrl() + "/o/oauth2/v2/auth");
        registry.add("gateway.google.revoke-url", () -> GOOGLE.baseUrl() + "/revoke");
        registry.add("gateway.google.userinfo-url", () -> GOOGLE.baseUrl() + "/userinfo");
        TestTls.init();
        registry.add("gateway.smtp.trust-store", TestTls.TRUST_STORE::toString);
        registry.add("gateway.smtp.trust-store-password", () -> TestTls.STORE_PASSWORD);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected MailSettingsRepository settings;
    @Autowired
    protected SecretCipher cipher;

    @BeforeEach
    void cleanMailboxes() throws Exception {
        if (!TENANT_SMTP.isRunning()) {
            TENANT_SMTP.start();
        }
        RELAY.purgeEmailFromAllMailboxes();
        TENANT_SMTP.purgeEmailFromAllMailboxes();
        GOOGLE.reset();
    }

    /** An HTTP answer of the gateway. */
    public record Reply(int status, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
        public String text(String field) {
            return body.path(field).asText(null);
        }
    }

    protected Reply call(String method, String path, String apiKey, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            boolean isJson = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            JsonNode node = raw == null || raw.isBlank() || !isJson ? JSON.nullNode() : JSON.readTree(raw);
            return new Reply(response.statusCode(), node, raw, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected Reply post(String path, String apiKey, String body) {
        return call("POST", path, apiKey, body, Map.of());
    }

    protected Reply get(String path, String apiKey) {
        return call("GET", path, apiKey, null, Map.of());
    }

    /** A tenant created through the API, with its SENDER key. */
    public record TestTenant(String id, String senderKey, String loginEmail, String fromAddress) {
    }

    protected TestTenant newTenant() {
        String id = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        String login = "office@" + id + ".example";
        String from = "noreply@" + id + ".example";
        Reply created = post("/api/v1/tenants", TestSecrets.ADMIN_KEY, """
                {"id":"%s","name":"Clinic %s","loginEmail":"%s","fromAddress":"%s"}""".formatted(id, id, login, from));
        if (created.status() != 201) {
            throw new IllegalStateException("tenant not created: " + created.raw());
        }
        return new TestTenant(id, newKey(id, "SENDER"), login, from);
    }

    protected String newKey(String tenantId, String role) {
        Reply key = post("/api/v1/tenants/" + tenantId + "/api-keys", TestSecrets.ADMIN_KEY, "{\"role\":\"" + role + "\"}");
        if (key.status() != 201) {
            throw new IllegalStateException("key not created: " + key.raw());
        }
        return key.text("key");
    }

    /** Stores SMTP settings pointing at the GreenMail tenant server, as the settings API will. */
    protected void tenantSmtp(TestTenant tenant, String password, boolean confirmed) {
        settings.saveSmtp(new SmtpSettings(tenant.id(), "127.0.0.1", TENANT_SMTP.getSmtp().getPort(), SmtpSecurity.NONE,
                TENANT_SMTP_USER, cipher.encrypt(password), tenant.fromAddress(),
                confirmed ? SmtpSettings.Status.ACTIVE : SmtpSettings.Status.PENDING_CONFIRMATION,
                confirmed ? Instant.now() : null));
    }

    /** Stores a connected Gmail account with the given refresh token, as the Google sign-in will. */
    protected void tenantGmail(TestTenant tenant, String refreshToken) {
        settings.saveGmail(new GmailAccount(tenant.id(), "clinic@" + tenant.id() + ".example",
                cipher.encrypt(refreshToken), GmailAccount.Status.CONNECTED, Instant.now()));
    }

    /**
     * What a server received from this tenant only: a message of an earlier test may still be arriving while the
     * next test runs, so tests never count a server's whole mailbox.
     */
    protected static jakarta.mail.internet.MimeMessage[] received(GreenMail server, TestTenant tenant) {
        return java.util.Arrays.stream(server.getReceivedMessages()).filter(m -> {
            try {
                return m.getFrom() != null && m.getFrom()[0].toString().contains(tenant.fromAddress());
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(jakarta.mail.internet.MimeMessage[]::new);
    }

    protected String send(TestTenant tenant, String body) {
        Reply reply = post("/api/v1/messages", tenant.senderKey(), body);
        if (reply.status() != 202) {
            throw new IllegalStateException("not accepted: " + reply.status() + " " + reply.raw());
        }
        return reply.text("id");
    }

    protected static String simpleMessage(String to, String subject) {
        return """
                {"to":["%s"],"subject":"%s","text":"Hello from the clinic."}""".formatted(to, subject);
    }

    protected JsonNode awaitStatus(TestTenant tenant, String messageId, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = get("/api/v1/messages/" + messageId, tenant.senderKey()).body();
            return status.equals(last[0].path("status").asText());
        });
        return last[0];
    }
}
