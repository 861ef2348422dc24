package io.mailgateway.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;

/** Secrets are stored encrypted, and no API reply or actuator endpoint shows them. */
class SecretsAtRestTest extends GatewayTestSupport {

    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private String everyValueOf(String table, String tenantId) {
        return jdbc.sql("select * from " + table + " where tenant_id = ?").param(tenantId).query().listOfRows().toString();
    }

    @Test
    void theDatabaseHoldsNoPasswordOrTokenInPlainText() throws Exception {
        TestTenant tenant = newTenant();
        Reply saved = call("PUT", "/api/v1/tenants/" + tenant.id() + "/mail-settings/smtp", tenant.senderKey(), """
                {"host":"127.0.0.1","port":%d,"security":"NONE","username":"%s","password":"%s"}"""
                .formatted(TENANT_SMTP.getSmtp().getPort(), TENANT_SMTP_USER, TestSecrets.SMTP_PASSWORD), Map.of());
        assertThat(saved.status()).isEqualTo(200);
        // a Google sign-in, so the refresh token and a pending state (with its PKCE verifier) are stored too
        String authorizationUrl = post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/authorization",
                tenant.senderKey(), "{\"returnUrl\":\"https://clinic-app.example/\"}").text("authorizationUrl");
        String pendingState = everyValueOf("oauth_state", tenant.id());
        String callback = BROWSER.send(HttpRequest.newBuilder(URI.create(authorizationUrl)).build(),
                HttpResponse.BodyHandlers.ofString()).headers().firstValue("Location").orElseThrow();
        BROWSER.send(HttpRequest.newBuilder(URI.create(callback.replace("https://gateway.example", "http://127.0.0.1:" + port)))
                .build(), HttpResponse.BodyHandlers.ofString());
        String verifier = GOOGLE.tokenRequests().get(0).get("code_verifier");
        String refreshToken = cipher.decrypt(jdbc.sql("select refresh_token_enc from gmail_account where tenant_id = ?")
                .param(tenant.id()).query(String.class).single());

        String smtpRow = everyValueOf("smtp_settings", tenant.id());
        String gmailRow = everyValueOf("gmail_account", tenant.id());
        assertThat(smtpRow).contains("password_enc").doesNotContain(TestSecrets.SMTP_PASSWORD);
        assertThat(gmailRow).doesNotContain(refreshToken).doesNotContain(TestSecrets.REFRESH_TOKEN_PREFIX);
        assertThat(pendingState).doesNotContain(verifier).doesNotContain(query(authorizationUrl, "state"));
        assertThat(everyValueOf("smtp_verification", tenant.id())).as("only a hash of the link's token").doesNotContain("verify");
        String keys = jdbc.sql("select * from api_key where tenant_id = ?").param(tenant.id()).query().listOfRows().toString();
        assertThat(keys).doesNotContain(tenant.senderKey());

        String settingsReply = get("/api/v1/tenants/" + tenant.id() + "/mail-settings", tenant.senderKey()).raw();
        for (String secret : List.of(TestSecrets.SMTP_PASSWORD, refreshToken, "password_enc", "refresh_token", "ENC", "test1:")) {
            assertThat(settingsReply).doesNotContain(secret);
        }
    }

    @Test
    void actuatorShowsNoSecretAndNoConfiguration() {
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/info")) {
            Reply reply = get(path, null);
            for (String secret : TestSecrets.FIXED) {
                assertThat(reply.raw()).as(path).doesNotContain(secret);
            }
        }
        for (String path : List.of("/actuator/env", "/actuator/configprops", "/actuator/beans", "/actuator/heapdump")) {
            assertThat(get(path, null).status()).as(path + " is not exposed").isEqualTo(404);
        }
    }

    private static String query(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException(name);
    }
}
