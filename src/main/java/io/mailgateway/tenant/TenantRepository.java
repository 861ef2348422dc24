package io.mailgateway.tenant;

import java.sql.Timestamp;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class TenantRepository {

    private final JdbcClient jdbc;

    public TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean insert(Tenant tenant) {
        if (find(tenant.id()).isPresent()) {
            return false;
        }
        jdbc.sql("insert into tenant (id, name, login_email, from_address, created_at) values (?, ?, ?, ?, ?)")
                .params(tenant.id(), tenant.name(), tenant.loginEmail(), tenant.fromAddress(),
                        Timestamp.from(tenant.createdAt()))
                .update();
        return true;
    }

    public Optional<Tenant> find(String id) {
        return jdbc.sql("select * from tenant where id = ?").param(id)
                .query((rs, n) -> new Tenant(rs.getString("id"), rs.getString("name"), rs.getString("login_email"),
                        rs.getString("from_address"), rs.getTimestamp("created_at").toInstant()))
                .optional();
    }
}
