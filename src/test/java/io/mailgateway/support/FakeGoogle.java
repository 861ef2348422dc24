package io.mailgateway.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A local stand-in for Google's OAuth token endpoint and the Gmail API, speaking their wire format:
 * {@code POST /token} (form-encoded refresh_token grant, JSON reply or OAuth error) and
 * {@code POST /gmail/v1/users/me/messages/send} (JSON {@code {"raw": base64url MIME}}, gzip-encoded or not).
 * It records what it received so tests assert on the token request and the raw MIME.
 * For Sign in with Google it also plays the authorization endpoint ({@code GET /o/oauth2/v2/auth}: consent is
 * given at once and the browser is redirected back with a code), the {@code authorization_code} grant with PKCE
 * verification, and {@code POST /revoke}.
 */
public final class FakeGoogle {

    /** A message the fake Gmail API accepted. */
    public record SentMail(String accessToken, MimeMessage mime, byte[] rawBytes) {
    }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Map<String, String>> tokenRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<SentMail> sent = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> revokedRefreshTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> accessTokenOwner = new ConcurrentHashMap<>();
    private final Deque<int[]> scriptedSendFailures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger sendCalls = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Map<String, String>> issuedCodes = new ConcurrentHashMap<>();
    private final List<Map<String, String>> authorizationRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> revokeRequests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean denyNextConsent;
    private volatile String consentingAccount = "reception@gmail.example";

    private FakeGoogle() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/gmail/v1/users/me/messages/send", this::send);
        server.createContext("/o/oauth2/v2/auth", this::authorize);
        server.createContext("/revoke", this::revokeEndpoint);
        server.start();
    }

    public static FakeGoogle start() {
        try {
            return new FakeGoogle();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void reset() {
        tokenRequests.clear();
        sent.clear();
        revokedRefreshTokens.clear();
        scriptedSendFailures.clear();
        sendCalls.set(0);
        authorizationRequests.clear();
        revokeRequests.clear();
        denyNextConsent = false;
        consentingAccount = "reception@gmail.example";
    }

    /** The next user at the consent screen clicks "Cancel". */
    public void denyNextConsent() {
        denyNextConsent = true;
    }

    /** The Google account that gives consent next. */
    public void consentAs(String account) {
        consentingAccount = account;
    }

    public List<Map<String, String>> authorizationRequests() {
        return List.copyOf(authorizationRequests);
    }

    public List<String> revokeRequests() {
        return List.copyOf(revokeRequests);
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        authorizationRequests.add(query);
        String redirect = query.get("redirect_uri");
        String state = java.net.URLEncoder.encode(query.getOrDefault("state", ""), StandardCharsets.UTF_8);
        if (denyNextConsent) {
            denyNextConsent = false;
            redirect(exchange, redirect + "?error=access_denied&state=" + state);
            return;
        }
        String code = "4/0AcodeFake" + ids.incrementAndGet();
        Map<String, String> grant = new HashMap<>(query);
        grant.put("account", consentingAccount);
        issuedCodes.put(code, grant);
        redirect(exchange, redirect + "?code=" + java.net.URLEncoder.encode(code, StandardCharsets.UTF_8) + "&state=" + state
                + "&scope=" + java.net.URLEncoder.encode(query.getOrDefault("scope", ""), StandardCharsets.UTF_8));
    }

    private void revokeEndpoint(HttpExchange exchange) throws IOException {
        String token = form(new String(read(exchange), StandardCharsets.UTF_8)).get("token");
        revokeRequests.add(token);
        if (token != null) {
            revokedRefreshTokens.add(token);
        }
        reply(exchange, 200, "{}");
    }

    /** The authorization_code grant: the code must be unused, the redirect URI the same, and the PKCE verifier match. */
    private void codeGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        Map<String, String> grant = issuedCodes.remove(form.getOrDefault("code", ""));
        String verifier = form.get("code_verifier");
        boolean ok = grant != null
                && form.getOrDefault("redirect_uri", "").equals(grant.get("redirect_uri"))
                && TestSecrets.GOOGLE_CLIENT_SECRET.equals(form.get("client_secret"))
                && grant.get("client_id").equals(form.get("client_id"))
                && verifier != null && "S256".equals(grant.get("code_challenge_method"))
                && grant.get("code_challenge").equals(s256(verifier));
        if (!ok) {
            reply(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}");
            return;
        }
        int n = ids.incrementAndGet();
        String refresh = TestSecrets.REFRESH_TOKEN_PREFIX + "signin-" + n;
        String access = TestSecrets.ACCESS_TOKEN_PREFIX + n;
        accessTokenOwner.put(access, refresh);
        String claims = "{\"iss\":\"https://accounts.google.com\",\"aud\":\"" + form.get("client_id")
                + "\",\"sub\":\"1000" + n + "\",\"email\":\"" + grant.get("account") + "\",\"email_verified\":true}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String idToken = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
        reply(exchange, 200, "{\"access_token\":\"" + access + "\",\"expires_in\":3599,\"refresh_token\":\"" + refresh
                + "\",\"scope\":\"" + grant.get("scope") + "\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken + "\"}");
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** The token endpoint answers {@code invalid_grant} for this refresh token from now on. */
    public void revoke(String refreshToken) {
        revokedRefreshTokens.add(refreshToken);
    }

    /** The next {@code times} sends answer with Gmail's 429 "User-rate limit exceeded". */
    public void rateLimitNextSends(int times) {
        for (int i = 0; i < times; i++) {
            scriptedSendFailures.add(new int[] {429});
        }
    }

    public List<Map<String, String>> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    public List<SentMail> sent() {
        return List.copyOf(sent);
    }

    public int sendCalls() {
        return sendCalls.get();
    }

    /** Which refresh token an access token was issued for. */
    public String refreshTokenOf(String accessToken) {
        return accessTokenOwner.get(accessToken);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(new String(read(exchange), StandardCharsets.UTF_8));
        tokenRequests.add(form);
        if ("authorization_code".equals(form.get("grant_type"))) {
            codeGrant(exchange, form);
            return;
        }
        String refresh = form.get("refresh_token");
        if (!"refresh_token".equals(form.get("grant_type")) || refresh == null || revokedRefreshTokens.contains(refresh)) {
            reply(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}");
            return;
        }
        String access = TestSecrets.ACCESS_TOKEN_PREFIX + ids.incrementAndGet();
        accessTokenOwner.put(access, refresh);
        reply(exchange, 200, "{\"access_token\":\"" + access + "\",\"expires_in\":3599,"
                + "\"scope\":\"https://www.googleapis.com/auth/gmail.send\",\"token_type\":\"Bearer\"}");
    }

    private void send(HttpExchange exchange) throws IOException {
        sendCalls.incrementAndGet();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !accessTokenOwner.containsKey(auth.substring(7))) {
            reply(exchange, 401, gmailError(401, "Request had invalid authentication credentials.", "authError", "UNAUTHENTICATED"));
            return;
        }
        int[] failure = scriptedSendFailures.poll();
        if (failure != null) {
            reply(exchange, 429, gmailError(429, "User-rate limit exceeded.  Retry after 2026-11-23T10:00:00.000Z",
                    "rateLimitExceeded", "RESOURCE_EXHAUSTED"));
            return;
        }
        byte[] body = read(exchange);
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        JsonNode request = json.readTree(body);
        byte[] raw = Base64.getUrlDecoder().decode(request.path("raw").asText());
        try {
            MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            sent.add(new SentMail(auth.substring(7), mime, raw));
        } catch (Exception e) {
            reply(exchange, 400, gmailError(400, "Invalid raw message", "invalidArgument", "INVALID_ARGUMENT"));
            return;
        }
        int id = ids.incrementAndGet();
        reply(exchange, 200, "{\"id\":\"18c0fake" + id + "\",\"threadId\":\"18c0thread" + id + "\",\"labelIds\":[\"SENT\"]}");
    }

    private static String gmailError(int code, String message, String reason, String status) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\"" + message
                + "\",\"domain\":\"usageLimits\",\"reason\":\"" + reason + "\"}],\"status\":\"" + status + "\"}}";
    }

    private static byte[] read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
