package io.mailgateway.settings;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

@Repository
public class MailSettingsRepository {

    private final JdbcClient jdbc;

    public MailSettingsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<SmtpSettings> findSmtp(String tenantId) {
        return jdbc.sql("select * from smtp_settings where tenant_id = ?").param(tenantId)
                .query((rs, n) -> {
                    Timestamp confirmed = rs.getTimestamp("confirmed_at");
                    return new SmtpSettings(rs.getString("tenant_id"), rs.getString("host"), rs.getInt("port"),
                            SmtpSecurity.valueOf(rs.getString("security")), rs.getString("username"),
                            rs.getString("password_enc"), rs.getString("from_address"),
                            SmtpSettings.Status.valueOf(rs.getString("status")),
                            confirmed == null ? null : confirmed.toInstant());
                })
                .optional();
    }

    /** Saves settings as given; saving replaces earlier settings (and so their confirmation). */
    @Transactional
    public void saveSmtp(SmtpSettings s) {
        jdbc.sql("delete from smtp_settings where tenant_id = ?").param(s.tenantId()).update();
        jdbc.sql("""
                insert into smtp_settings (tenant_id, host, port, security, username, password_enc, from_address,
                                           status, confirmed_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(s.tenantId(), s.host(), s.port(), s.security().name(), s.username(), s.passwordEnc(),
                        s.fromAddress(), s.status().name(),
                        s.confirmedAt() == null ? null : Timestamp.from(s.confirmedAt()), Timestamp.from(Instant.now()))
                .update();
    }

    public boolean deleteSmtp(String tenantId) {
        return jdbc.sql("delete from smtp_settings where tenant_id = ?").param(tenantId).update() > 0;
    }

    public Optional<GmailAccount> findGmail(String tenantId) {
        return jdbc.sql("select * from gmail_account where tenant_id = ?").param(tenantId)
                .query((rs, n) -> new GmailAccount(rs.getString("tenant_id"), rs.getString("account_email"),
                        rs.getString("refresh_token_enc"), GmailAccount.Status.valueOf(rs.getString("status")),
                        rs.getTimestamp("connected_at").toInstant()))
                .optional();
    }

    @Transactional
    public void saveGmail(GmailAccount a) {
        jdbc.sql("delete from gmail_account where tenant_id = ?").param(a.tenantId()).update();
        jdbc.sql("""
                insert into gmail_account (tenant_id, account_email, refresh_token_enc, status, connected_at, updated_at)
                values (?, ?, ?, ?, ?, ?)""")
                .params(a.tenantId(), a.accountEmail(), a.refreshTokenEnc(), a.status().name(),
                        Timestamp.from(a.connectedAt()), Timestamp.from(Instant.now()))
                .update();
    }

    public void markGmailNeedsReauth(String tenantId) {
        jdbc.sql("update gmail_account set status = 'NEEDS_REAUTH', updated_at = ? where tenant_id = ?")
                .params(Timestamp.from(Instant.now()), tenantId).update();
    }

    public boolean deleteGmail(String tenantId) {
        return jdbc.sql("delete from gmail_account where tenant_id = ?").param(tenantId).update() > 0;
    }
}
