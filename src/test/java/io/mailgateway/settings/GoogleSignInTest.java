package io.mailgateway.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.support.FakeGoogle;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;

/**
 * Sign in with Google end to end against the local fake authorization server: the browser follows the
 * authorization URL, Google redirects to the callback, the gateway exchanges the code and redirects back.
 */
class GoogleSignInTest extends GatewayTestSupport {

    private static final String RETURN_URL = "https://clinic-app.example/settings/mail";
    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        String raw = URI.create(url).getRawQuery();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static HttpResponse<String> browse(String url) throws Exception {
        return BROWSER.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String startSignIn(TestTenant tenant) {
        Reply started = post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/authorization", tenant.senderKey(),
                "{\"returnUrl\":\"" + RETURN_URL + "\"}");
        assertThat(started.status()).isEqualTo(200);
        return started.text("authorizationUrl");
    }

    /** The browser's trip: to Google, then back to the gateway's callback (the redirect URI is public-base-url). */
    private HttpResponse<String> signIn(String authorizationUrl) throws Exception {
        HttpResponse<String> atGoogle = browse(authorizationUrl);
        assertThat(atGoogle.statusCode()).isEqualTo(302);
        String callback = atGoogle.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith("https://gateway.example/oauth/google/callback?");
        return browse(callback.replace("https://gateway.example", "http://127.0.0.1:" + port));
    }

    private JsonNode settingsOf(TestTenant tenant) {
        return get("/api/v1/tenants/" + tenant.id() + "/mail-settings", tenant.senderKey()).body();
    }

    @Test
    void aClinicSignsInWithGoogleAndItsMailGoesThroughGmail() throws Exception {
        TestTenant tenant = newTenant();
        GOOGLE.consentAs("reception.north@gmail.example");

        String authorizationUrl = startSignIn(tenant);
        Map<String, String> asked = query(authorizationUrl);
        assertThat(authorizationUrl).startsWith(GOOGLE.baseUrl() + "/o/oauth2/v2/auth?");
        assertThat(asked).containsEntry("response_type", "code")
                .containsEntry("client_id", "test-client.apps.googleusercontent.com")
                .containsEntry("redirect_uri", "https://gateway.example/oauth/google/callback")
                .containsEntry("scope", "https://www.googleapis.com/auth/gmail.send openid email")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("access_type", "offline")
                .containsEntry("prompt", "consent");
        assertThat(asked.get("state")).hasSizeGreaterThan(30);

        HttpResponse<String> back = signIn(authorizationUrl);

        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).hasValue(RETURN_URL + "?gmail=connected");
        Map<String, String> tokenRequest = GOOGLE.tokenRequests().get(0);
        assertThat(tokenRequest).containsEntry("grant_type", "authorization_code")
                .containsEntry("redirect_uri", "https://gateway.example/oauth/google/callback");
        String verifier = tokenRequest.get("code_verifier");
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII))))
                .as("the PKCE verifier matches the challenge").isEqualTo(asked.get("code_challenge"));

        JsonNode settings = settingsOf(tenant);
        assertThat(settings.path("activeRoute").asText()).isEqualTo("GMAIL");
        assertThat(settings.path("gmail").path("status").asText()).isEqualTo("CONNECTED");
        assertThat(settings.path("gmail").path("account").asText()).isEqualTo("reception.north@gmail.example");
        String stored = jdbc.sql("select refresh_token_enc from gmail_account where tenant_id = ?").param(tenant.id())
                .query(String.class).single();
        assertThat(stored).doesNotContain(TestSecrets.REFRESH_TOKEN_PREFIX);
        assertThat(cipher.decrypt(stored)).startsWith(TestSecrets.REFRESH_TOKEN_PREFIX + "signin-");

        String id = send(tenant, simpleMessage("patient@example.org", "Through Gmail"));
        assertThat(awaitStatus(tenant, id, "SENT").path("route").asText()).isEqualTo("GMAIL");
        assertThat(GOOGLE.sent()).hasSize(1);
        assertThat(GOOGLE.refreshTokenOf(GOOGLE.sent().get(0).accessToken())).isEqualTo(cipher.decrypt(stored));

        // the callback cannot be replayed
        HttpResponse<String> replay = browse("http://127.0.0.1:" + port + "/oauth/google/callback?code=x&state="
                + java.net.URLEncoder.encode(asked.get("state"), StandardCharsets.UTF_8));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("already used or has expired");
    }

    @Test
    void theGmailTestConnectionSendsToTheLoginAddressThroughGmail() throws Exception {
        TestTenant tenant = newTenant();
        signIn(startSignIn(tenant));

        Reply test = post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/test", tenant.senderKey(), null);

        assertThat(test.status()).isEqualTo(200);
        assertThat(test.text("result")).isEqualTo("SENT");
        FakeGoogle.SentMail mail = GOOGLE.sent().get(0);
        assertThat(mail.mime().getSubject()).isEqualTo("Gmail Test Connection from Mail Gateway");
        assertThat(mail.mime().getAllRecipients()[0].toString()).isEqualTo(tenant.loginEmail());
        assertThat(mail.mime().getFrom()[0].toString()).isEqualTo("reception@gmail.example");
    }

    @Test
    void aRevokedGrantMakesTheTestSaySignInAgainAndTheAccountNeedsReauth() throws Exception {
        TestTenant tenant = newTenant();
        signIn(startSignIn(tenant));
        String stored = jdbc.sql("select refresh_token_enc from gmail_account where tenant_id = ?").param(tenant.id())
                .query(String.class).single();
        GOOGLE.revoke(cipher.decrypt(stored));

        Reply test = post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/test", tenant.senderKey(), null);

        assertThat(test.text("result")).isEqualTo("FAILED");
        assertThat(test.text("category")).isEqualTo("REAUTH_REQUIRED");
        assertThat(test.text("hint")).contains("Sign in with Google again");
        JsonNode settings = settingsOf(tenant);
        assertThat(settings.path("gmail").path("status").asText()).isEqualTo("NEEDS_REAUTH");
        assertThat(settings.path("warnings").toString()).contains("sign in with Google again");

        // a new sign-in makes it CONNECTED again
        signIn(startSignIn(tenant));
        assertThat(settingsOf(tenant).path("gmail").path("status").asText()).isEqualTo("CONNECTED");
        assertThat(post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/test", tenant.senderKey(), null)
                .text("result")).isEqualTo("SENT");
    }

    @Test
    void deniedConsentRedirectsWithAnErrorOutcomeAndStoresNothing() throws Exception {
        TestTenant tenant = newTenant();
        GOOGLE.denyNextConsent();

        HttpResponse<String> back = signIn(startSignIn(tenant));

        assertThat(back.headers().firstValue("Location")).hasValue(RETURN_URL + "?gmail=denied");
        assertThat(settingsOf(tenant).path("gmail").isNull()).isTrue();
        assertThat(GOOGLE.tokenRequests()).isEmpty();
    }

    @Test
    void aFailedCodeExchangeRedirectsWithAnErrorOutcomeAndStoresNothing() throws Exception {
        TestTenant tenant = newTenant();
        String authorizationUrl = startSignIn(tenant);
        HttpResponse<String> atGoogle = browse(authorizationUrl);
        String callback = atGoogle.headers().firstValue("Location").orElseThrow()
                .replace("https://gateway.example", "http://127.0.0.1:" + port);
        // a code Google does not know (expired, or used already)
        String forged = callback.replaceAll("code=[^&]+", "code=4%2F0Aunknown");

        HttpResponse<String> back = browse(forged);

        assertThat(back.headers().firstValue("Location")).hasValue(RETURN_URL + "?gmail=error");
        assertThat(settingsOf(tenant).path("gmail").isNull()).isTrue();
    }

    @Test
    void aBadStateGetsAPageNotARedirect() throws Exception {
        HttpResponse<String> back = browse("http://127.0.0.1:" + port + "/oauth/google/callback?code=abc&state=made-up");
        assertThat(back.statusCode()).isEqualTo(400);
        assertThat(back.headers().firstValue("Location")).isEmpty();
        assertThat(back.body()).contains("Start again from the mail settings");
    }

    @Test
    void aReturnUrlOnAnotherHostIsRefused() {
        TestTenant tenant = newTenant();
        Reply refused = post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/authorization", tenant.senderKey(),
                "{\"returnUrl\":\"https://evil.example/steal\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("details").get(0).path("field").asText()).isEqualTo("returnUrl");
        assertThat(post("/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail/authorization", tenant.senderKey(),
                "{\"returnUrl\":\"javascript:alert(1)\"}").status()).isEqualTo(400);
    }

    @Test
    void disconnectingRevokesAtGoogleAndDeletesTheToken() throws Exception {
        TestTenant tenant = newTenant();
        signIn(startSignIn(tenant));
        String token = cipher.decrypt(jdbc.sql("select refresh_token_enc from gmail_account where tenant_id = ?")
                .param(tenant.id()).query(String.class).single());

        Reply gone = call("DELETE", "/api/v1/tenants/" + tenant.id() + "/mail-settings/gmail", tenant.senderKey(), null, Map.of());

        assertThat(gone.status()).isEqualTo(204);
        assertThat(GOOGLE.revokeRequests()).containsExactly(token);
        assertThat(jdbc.sql("select count(*) from gmail_account where tenant_id = ?").param(tenant.id())
                .query(Long.class).single()).isZero();
        assertThat(settingsOf(tenant).path("activeRoute").asText()).isEqualTo("PLATFORM");
        Optional<JsonNode> none = Optional.ofNullable(settingsOf(tenant).path("gmail")).filter(n -> !n.isNull());
        assertThat(none).isEmpty();
    }
}
