package io.mailgateway.settings;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The one-time links of SMTP test e-mails. Only a token's SHA-256 is stored; a new test replaces the old link. */
@Repository
public class SmtpVerificationStore {

    public enum Outcome { CONFIRMED, UNKNOWN, EXPIRED, USED, SETTINGS_CHANGED }

    private final JdbcClient jdbc;
    private final SecureRandom random = new SecureRandom();

    public SmtpVerificationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Issues a new token for the tenant's current settings and returns it in clear (it only travels in the e-mail). */
    @Transactional
    public String issue(String tenantId, Duration ttl) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = Instant.now();
        jdbc.sql("delete from smtp_verification where tenant_id = ?").param(tenantId).update();
        jdbc.sql("insert into smtp_verification (tenant_id, token_hash, created_at, expires_at) values (?, ?, ?, ?)")
                .params(tenantId, hash(token), Timestamp.from(now), Timestamp.from(now.plus(ttl))).update();
        return token;
    }

    /** The tenant a valid, unused token belongs to, or why there is none. */
    public Optional<Row> find(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("select tenant_id, expires_at, used_at from smtp_verification where token_hash = ?")
                .param(hash(token))
                .query((rs, n) -> new Row(rs.getString("tenant_id"), rs.getTimestamp("expires_at").toInstant(),
                        rs.getTimestamp("used_at") == null ? null : rs.getTimestamp("used_at").toInstant()))
                .optional();
    }

    /** Confirms the tenant's pending SMTP settings with the token: they become ACTIVE and carry the tenant's mail. */
    @Transactional
    public Outcome confirm(String token) {
        Optional<Row> row = find(token);
        if (row.isEmpty()) {
            return Outcome.UNKNOWN;
        }
        if (row.get().usedAt() != null) {
            return Outcome.USED;
        }
        Instant now = Instant.now();
        if (row.get().expiresAt().isBefore(now)) {
            return Outcome.EXPIRED;
        }
        int used = jdbc.sql("update smtp_verification set used_at = ? where token_hash = ? and used_at is null")
                .params(Timestamp.from(now), hash(token)).update();
        if (used == 0) {
            return Outcome.USED;
        }
        int confirmed = jdbc.sql("""
                update smtp_settings set status = 'ACTIVE', confirmed_at = ?, updated_at = ?
                where tenant_id = ? and status = 'PENDING_CONFIRMATION'""")
                .params(Timestamp.from(now), Timestamp.from(now), row.get().tenantId()).update();
        return confirmed == 1 ? Outcome.CONFIRMED : Outcome.SETTINGS_CHANGED;
    }

    public void delete(String tenantId) {
        jdbc.sql("delete from smtp_verification where tenant_id = ?").param(tenantId).update();
    }

    public record Row(String tenantId, Instant expiresAt, Instant usedAt) {
    }

    static String hash(String token) {
        return io.mailgateway.crypto.Hashes.sha256Hex(token);
    }
}
