package io.mailgateway.support;

import java.util.List;

/** Every secret the tests hand to the gateway. None of them may ever appear in a log line. */
public final class TestSecrets {

    public static final String ADMIN_KEY = "test-admin-key-Zq81XbW3";
    public static final String SMTP_PASSWORD = "Smtp-Secret-Pa55word-7Tq";
    public static final String RELAY_PASSWORD = "Relay-Secret-Pa55word-4Kd";
    public static final String GOOGLE_CLIENT_SECRET = "GOCSPX-client-secret-9fLw";
    /** Refresh tokens start with this; the fake token endpoint answers them. */
    public static final String REFRESH_TOKEN_PREFIX = "1//0refresh-secret-";
    /** Access tokens the fake token endpoint issues start with this. */
    public static final String ACCESS_TOKEN_PREFIX = "ya29.access-secret-";
    /** A password that the tenant's server refuses, as a mistyped one would be. */
    public static final String WRONG_PASSWORD = "Wrong-Pa55word-Typo-3Hv";
    public static final String ENCRYPTION_KEY = "test1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    public static final List<String> FIXED = List.of(ADMIN_KEY, SMTP_PASSWORD, RELAY_PASSWORD, GOOGLE_CLIENT_SECRET,
            WRONG_PASSWORD, REFRESH_TOKEN_PREFIX, ACCESS_TOKEN_PREFIX, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

    private TestSecrets() {
    }
}
