package io.mailgateway.settings.google;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.auth.oauth2.AuthorizationCodeTokenRequest;
import com.google.api.client.auth.oauth2.BearerToken;
import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.auth.oauth2.Credential;
import com.google.api.client.auth.oauth2.TokenResponse;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.UrlEncodedContent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import io.mailgateway.api.ApiException;
import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.api.JsonBodies;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.crypto.Hashes;
import io.mailgateway.crypto.SecretCipher;
import io.mailgateway.failure.FailureClassifier;
import io.mailgateway.settings.GmailAccount;
import io.mailgateway.settings.MailSettingsRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.util.HtmlUtils;

/**
 * Sign in with Google: the authorization-code flow with a one-time state bound to the tenant, PKCE (S256),
 * offline access and forced consent. The refresh token is stored encrypted; the account address comes from the
 * id token the token endpoint returns (or from userinfo). Every Google URL is configuration.
 */
@Component("googleSignIn")
public class GoogleSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(GoogleSignIn.class);
    public static final String SCOPES = "https://www.googleapis.com/auth/gmail.send openid email";

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final MailSettingsRepository settings;
    private final JsonBodies json;
    private final ObjectMapper mapper;
    private final FailureClassifier classifier;
    private final GatewayProperties properties;
    private final GatewayProperties.Google google;
    private final SecureRandom random = new SecureRandom();
    private final HttpTransport transport = new NetHttpTransport();
    private final JsonFactory jsonFactory = GsonFactory.getDefaultInstance();

    public GoogleSignIn(JdbcClient jdbc, SecretCipher cipher, MailSettingsRepository settings, JsonBodies json,
            ObjectMapper mapper, FailureClassifier classifier, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.settings = settings;
        this.json = json;
        this.mapper = mapper;
        this.classifier = classifier;
        this.properties = properties;
        this.google = properties.google();
    }

    public record AuthorizationRequest(String returnUrl) {
    }

    /** Starts a sign-in: returns {@code {authorizationUrl}} for the user's browser. */
    @Transactional
    public Map<String, String> authorize(Exchange exchange, @Variable("tenantId") String tenantId) {
        AuthorizationRequest request = json.read(exchange, AuthorizationRequest.class);
        checkReturnUrl(request.returnUrl());
        if (google.clientId() == null || google.clientId().isBlank()) {
            throw new ApiException(503, "google_not_configured",
                    "Sign in with Google is not set up on this gateway (GATEWAY_GOOGLE_CLIENT_ID)");
        }
        String state = randomToken();
        String verifier = randomToken();
        Instant now = Instant.now();
        jdbc.sql("""
                insert into oauth_state (state_hash, tenant_id, code_verifier_enc, return_url, created_at, expires_at)
                values (?, ?, ?, ?, ?, ?)""")
                .params(Hashes.sha256Hex(state), tenantId, cipher.encrypt(verifier), request.returnUrl(), Timestamp.from(now),
                        Timestamp.from(now.plus(google.stateTtl())))
                .update();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", google.clientId());
        query.put("redirect_uri", redirectUri());
        query.put("scope", SCOPES);
        query.put("state", state);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        query.put("access_type", "offline");
        query.put("prompt", "consent");
        String url = google.authorizationUrl() + (google.authorizationUrl().contains("?") ? "&" : "?") + form(query);
        return Map.of("authorizationUrl", url);
    }

    /**
     * {@code GET /oauth/google/callback}: redirects the browser back to its returnUrl with {@code gmail=connected},
     * {@code gmail=denied} or {@code gmail=error}. A bad or replayed state gets a page: there is nowhere safe to
     * send the browser.
     */
    public String callback(Exchange exchange, @Header("state") String state, @Header("code") String code,
            @Header("error") String error) {
        Optional<PendingSignIn> pending = takeState(state);
        if (pending.isEmpty()) {
            LOG.warn("Google sign-in callback with an unknown, used or expired state");
            return page(exchange, 400, "This sign-in can't be completed",
                    "The sign-in link was already used or has expired. Start again from the mail settings.");
        }
        PendingSignIn signIn = pending.get();
        if (error != null) {
            LOG.info("Google sign-in of tenant {} ended without consent: {}", signIn.tenantId(), oneWord(error));
            return redirect(exchange, signIn.returnUrl(), "access_denied".equals(error) ? "denied" : "error");
        }
        if (code == null || code.isBlank()) {
            return redirect(exchange, signIn.returnUrl(), "error");
        }
        try {
            TokenResponse tokens = new AuthorizationCodeTokenRequest(transport, jsonFactory,
                    new GenericUrl(google.tokenUrl()), code)
                    .setRedirectUri(redirectUri())
                    .setClientAuthentication(new ClientParametersAuthentication(google.clientId(), google.clientSecret()))
                    .set("code_verifier", cipher.decrypt(signIn.verifierEnc()))
                    .execute();
            if (tokens.getRefreshToken() == null) {
                LOG.warn("Google sign-in of tenant {}: no refresh token in the reply", signIn.tenantId());
                return redirect(exchange, signIn.returnUrl(), "error");
            }
            if (tokens.getScope() != null && !tokens.getScope().contains("gmail.send")) {
                LOG.warn("Google sign-in of tenant {}: the gmail.send permission was not granted", signIn.tenantId());
                return redirect(exchange, signIn.returnUrl(), "error");
            }
            String account = accountEmail(tokens);
            settings.saveGmail(new GmailAccount(signIn.tenantId(), account, cipher.encrypt(tokens.getRefreshToken()),
                    GmailAccount.Status.CONNECTED, Instant.now()));
            LOG.info("Google sign-in of tenant {}: Gmail account {} CONNECTED", signIn.tenantId(), account);
            return redirect(exchange, signIn.returnUrl(), "connected");
        } catch (IOException | RuntimeException e) {
            LOG.warn("Google sign-in of tenant {} failed: {}", signIn.tenantId(), classifier.classify(e).providerReply());
            return redirect(exchange, signIn.returnUrl(), "error");
        }
    }

    /** {@code DELETE …/mail-settings/gmail}: revoke at Google (best effort), then forget the token. */
    public void disconnect(@Variable("tenantId") String tenantId) {
        settings.findGmail(tenantId).ifPresent(account -> {
            try {
                var response = transport.createRequestFactory()
                        .buildPostRequest(new GenericUrl(google.revokeUrl()),
                                new UrlEncodedContent(Map.of("token", cipher.decrypt(account.refreshTokenEnc()))))
                        .setThrowExceptionOnExecuteError(false)
                        .execute();
                LOG.info("Gmail account of tenant {} revoked at Google: HTTP {}", tenantId, response.getStatusCode());
                response.disconnect();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Gmail account of tenant {}: revoking at Google failed ({}); the token is deleted anyway",
                        tenantId, e.getClass().getSimpleName());
            }
            settings.deleteGmail(tenantId);
        });
    }

    private String accountEmail(TokenResponse tokens) throws IOException {
        Object idToken = tokens.get("id_token");
        if (idToken instanceof String jwt && jwt.split("\\.").length >= 2) {
            // received directly from the token endpoint over TLS, so its claims can be read without a signature check
            JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
            if (claims.hasNonNull("email")) {
                return claims.get("email").asText();
            }
        }
        Credential credential = new Credential(BearerToken.authorizationHeaderAccessMethod())
                .setAccessToken(tokens.getAccessToken());
        var response = transport.createRequestFactory(credential).buildGetRequest(new GenericUrl(google.userinfoUrl())).execute();
        try {
            JsonNode info = mapper.readTree(response.getContent());
            if (!info.hasNonNull("email")) {
                throw new IOException("userinfo has no email");
            }
            return info.get("email").asText();
        } finally {
            response.disconnect();
        }
    }

    private Optional<PendingSignIn> takeState(String state) {
        if (state == null || state.isBlank() || state.length() > 200) {
            return Optional.empty();
        }
        String hash = Hashes.sha256Hex(state);
        Optional<PendingSignIn> found = jdbc.sql("select * from oauth_state where state_hash = ?").param(hash)
                .query((rs, n) -> new PendingSignIn(rs.getString("tenant_id"), rs.getString("code_verifier_enc"),
                        rs.getString("return_url"), rs.getTimestamp("expires_at").toInstant()))
                .optional();
        // one use only: whoever deletes the row owns the sign-in
        if (found.isEmpty() || jdbc.sql("delete from oauth_state where state_hash = ?").param(hash).update() != 1) {
            return Optional.empty();
        }
        return found.filter(p -> p.expiresAt().isAfter(Instant.now()));
    }

    private record PendingSignIn(String tenantId, String verifierEnc, String returnUrl, Instant expiresAt) {
    }

    private void checkReturnUrl(String returnUrl) {
        List<String> allowed = google.allowedReturnHosts() == null ? List.of() : google.allowedReturnHosts();
        String problem = null;
        if (returnUrl == null || returnUrl.isBlank()) {
            problem = "required";
        } else {
            try {
                URI uri = URI.create(returnUrl);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                    problem = "must be an http or https URL";
                } else if (allowed.stream().noneMatch(h -> h.equalsIgnoreCase(uri.getHost()))) {
                    problem = "this host is not allowed; allowed: " + String.join(", ", allowed);
                }
            } catch (IllegalArgumentException e) {
                problem = "not a valid URL";
            }
        }
        if (problem != null) {
            throw ApiException.badRequest(List.of(new FieldError("returnUrl", problem)));
        }
    }

    private String redirectUri() {
        if (google.redirectUri() != null && !google.redirectUri().isBlank()) {
            return google.redirectUri();
        }
        String base = properties.verification().publicBaseUrl();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/oauth/google/callback";
    }

    private String redirect(Exchange exchange, String returnUrl, String outcome) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        exchange.getMessage().setHeader("Location", returnUrl + (returnUrl.contains("?") ? "&" : "?") + "gmail=" + outcome);
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        return "";
    }

    private String page(Exchange exchange, int status, String title, String text) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + HtmlUtils.htmlEscape(title)
                + "</title></head><body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto\"><h1>"
                + HtmlUtils.htmlEscape(title) + "</h1><p>" + HtmlUtils.htmlEscape(text) + "</p></body></html>";
    }

    private String randomToken() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Hashes.sha256(verifier));
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A provider's error code, reduced to safe characters before it is logged. */
    private static String oneWord(String value) {
        String safe = value.replaceAll("[^A-Za-z0-9_.-]", "");
        return safe.substring(0, Math.min(60, safe.length()));
    }
}
