package io.mailgateway.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.tenant.Tenant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Issues and checks API keys. Only a key's SHA-256 is stored; keys carry 256 random bits, so no slow hash is needed. */
@Service
public class ApiKeyService {

    public static final String BOOTSTRAP_KEY_ID = "bootstrap-admin";

    private final JdbcClient jdbc;
    private final SecureRandom random = new SecureRandom();
    private final byte[] bootstrapHash;

    public ApiKeyService(JdbcClient jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        String admin = properties.api().adminKey();
        this.bootstrapHash = admin == null || admin.isBlank() ? null : sha256(admin);
    }

    /** Creates a key and returns it in clear: the only time anyone sees it. */
    public IssuedKey issue(String tenantId, Role role) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String key = "mgw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String id = UUID.randomUUID().toString();
        jdbc.sql("insert into api_key (id, key_hash, tenant_id, role, created_at) values (?, ?, ?, ?, ?)")
                .params(id, HexFormat.of().formatHex(sha256(key)), tenantId, role.name(), Timestamp.from(Instant.now()))
                .update();
        return new IssuedKey(id, key, tenantId, role);
    }

    public Optional<Caller> authenticate(String key) {
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        byte[] hash = sha256(key.trim());
        if (bootstrapHash != null && MessageDigest.isEqual(hash, bootstrapHash)) {
            return Optional.of(new Caller(BOOTSTRAP_KEY_ID, null, Role.ADMIN));
        }
        List<Caller> found = jdbc.sql("""
                        select k.id, k.tenant_id, k.role, t.name, t.login_email, t.from_address, t.created_at
                        from api_key k left join tenant t on t.id = k.tenant_id where k.key_hash = ?""")
                .param(HexFormat.of().formatHex(hash))
                .query((rs, n) -> {
                    String tenantId = rs.getString("tenant_id");
                    Tenant tenant = tenantId == null || rs.getTimestamp("created_at") == null ? null
                            : new Tenant(tenantId, rs.getString("name"), rs.getString("login_email"),
                                    rs.getString("from_address"), rs.getTimestamp("created_at").toInstant());
                    return new Caller(rs.getString("id"), tenantId, Role.valueOf(rs.getString("role")), tenant);
                })
                .list();
        return found.stream().findFirst();
    }

    private static byte[] sha256(String value) {
        return io.mailgateway.crypto.Hashes.sha256(value);
    }

    /** A freshly created key. */
    public record IssuedKey(String id, String key, String tenantId, Role role) {
    }
}
