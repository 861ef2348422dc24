package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.settings.SmtpSecurity;
import io.mailgateway.settings.SmtpSettings;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.SlowSmtpServer;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Per-tenant limits with the shipped defaults (application.yaml, gateway.tenant-limits): over a limit, mail waits
 * and goes out later; nothing is failed, and waiting is not an attempt.
 */
class TenantLimitsTest extends GatewayTestSupport {

    @Autowired
    GatewayProperties properties;
    @Autowired
    DataSource dataSource;

    @Test
    void theDefaultsFollowGooglesPublishedGmailLimits() {
        var gmail = properties.tenantLimits().gmail();
        // 15,000 quota units a user a minute, 100 per messages.send: 2.5 a second
        assertThat(gmail.messagesPerSecond()).isBetween(1, 2);
        assertThat(gmail.concurrentSends()).isEqualTo(10);
        assertThat(gmail.perDay()).isEqualTo(2000);
    }

    @Test
    void aTenantsOwnServerGetsAtMostItsRateAndEveryMessageStillGoesOut() {
        int perSecond = properties.tenantLimits().smtp().messagesPerSecond();
        TestTenant tenant = newTenant();
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, true);

        int count = perSecond * 4;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(send(tenant, simpleMessage("patient" + i + "@example.org", "Reminder " + i)));
        }
        ids.forEach(id -> awaitStatus(tenant, id, "SENT"));

        List<Instant> sentAt = jdbc.sql("select sent_at from message where tenant_id = ? order by sent_at")
                .param(tenant.id()).query(Timestamp.class).list().stream().map(Timestamp::toInstant).toList();
        assertThat(sentAt).hasSize(count);
        // a burst of one second's worth, then one second's worth a second: at least 2 s from first to last
        assertThat(Duration.between(sentAt.get(0), sentAt.get(count - 1)))
                .as("%d messages at %d a second", count, perSecond).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
        // in any stretch shorter than a second, never more than two seconds' worth (the limiter's window edges)
        for (int i = 0; i + 2 * perSecond < count; i++) {
            assertThat(Duration.between(sentAt.get(i), sentAt.get(i + 2 * perSecond)))
                    .isGreaterThan(Duration.ofMillis(900));
        }
        assertThat(jdbc.sql("select max(attempts) from message where tenant_id = ?").param(tenant.id())
                .query(Integer.class).single()).as("waiting is not an attempt").isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from message_attempt a join message m on m.id = a.message_id "
                        + "where m.tenant_id = ? and a.outcome <> 'SENT'").param(tenant.id()).query(Long.class).single())
                .as("no failed attempts").isZero();
        assertThat(received(TENANT_SMTP, tenant)).hasSize(count);
        assertThat(jdbc.sql("select count(*) from message where tenant_id = ? and waiting_reason is not null")
                .param(tenant.id()).query(Long.class).single()).as("a sent message no longer waits").isZero();
        assertThat(get("/actuator/prometheus", null).raw()).as("operations see the waits")
                .containsPattern("(?m)^mailgateway_limit_waits_total\\{reason=\"RATE_LIMIT\",route=\"SMTP\"} [1-9]");
    }

    @Test
    void aTenantsOwnServerNeverHasMoreThanTheConcurrencyLimitOfSendsAtOnce() throws Exception {
        int concurrent = properties.tenantLimits().smtp().concurrentSends();
        try (SlowSmtpServer slow = new SlowSmtpServer(1200)) {
            TestTenant tenant = newTenant();
            settings.saveSmtp(new SmtpSettings(tenant.id(), "127.0.0.1", slow.port(), SmtpSecurity.NONE,
                    "clinic-mailbox", cipher.encrypt(TestSecrets.SMTP_PASSWORD), tenant.fromAddress(),
                    SmtpSettings.Status.ACTIVE, Instant.now()));

            int count = concurrent * 3;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(send(tenant, simpleMessage("patient" + i + "@example.org", "Invoice " + i)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> slow.accepted() == count);
            ids.forEach(id -> awaitStatus(tenant, id, "SENT"));

            assertThat(slow.maxInFlight()).as("sends at once").isEqualTo(concurrent);
            assertThat(jdbc.sql("select max(attempts) from message where tenant_id = ?").param(tenant.id())
                    .query(Integer.class).single()).isEqualTo(1);
        }
    }

    @Test
    void aGmailTenantAtItsDailyLimitWaitsInsteadOfFailing() {
        int perDay = properties.tenantLimits().gmail().perDay();
        TestTenant tenant = newTenant();
        tenantGmail(tenant, "1//refresh-daily-" + UUID.randomUUID());
        // what the tenant sent through Gmail in the last 24 hours, one short of the limit
        Instant earlier = Instant.now().minus(Duration.ofHours(3));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < perDay - 1; i++) {
            String id = UUID.randomUUID().toString();
            rows.add(new Object[] {id, tenant.id(), "<" + id + "@clinic.example>", Timestamp.from(earlier)});
        }
        new JdbcTemplate(dataSource).batchUpdate("""
                insert into message (id, tenant_id, status, route, attempts, mime_message_id, created_at, updated_at, sent_at)
                values (?, ?, 'SENT', 'GMAIL', 1, ?, ?, ?, ?)""", rows.stream()
                .map(r -> new Object[] {r[0], r[1], r[2], r[3], r[3], r[3]}).toList());

        String last = send(tenant, simpleMessage("a@example.org", "Daily limit: the last one today"));
        String over1 = send(tenant, simpleMessage("b@example.org", "Daily limit: waits for tomorrow 1"));
        String over2 = send(tenant, simpleMessage("c@example.org", "Daily limit: waits for tomorrow 2"));

        await().atMost(Duration.ofSeconds(20)).until(() -> status(tenant, last).equals("SENT")
                || status(tenant, over1).equals("SENT") || status(tenant, over2).equals("SENT"));
        // the two others stay queued (waiting, not failed) for as long as we look
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                List.of(last, over1, over2).stream().filter(id -> status(tenant, id).equals("QUEUED")).count() == 2
                        && List.of(last, over1, over2).stream().filter(id -> status(tenant, id).equals("SENT")).count() == 1);
        assertThat(GOOGLE.sent()).as("Gmail was asked to send exactly one").hasSize(1);
        // the status API says why they wait, and until when they are looked at again
        String waitingId = List.of(last, over1, over2).stream().filter(id -> status(tenant, id).equals("QUEUED"))
                .findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/api/v1/messages/" + waitingId, tenant.senderKey())
                .body().path("waiting").path("reason").asText("").equals("DAILY_LIMIT"));
        var waiting = get("/api/v1/messages/" + waitingId, tenant.senderKey()).body().path("waiting");
        assertThat(Instant.parse(waiting.path("until").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(waiting.path("hint").asText()).contains("daily sending limit");
        String sentId = List.of(last, over1, over2).stream().filter(id -> status(tenant, id).equals("SENT"))
                .findFirst().orElseThrow();
        assertThat(get("/api/v1/messages/" + sentId, tenant.senderKey()).body().path("waiting").isNull()).isTrue();
        assertThat(jdbc.sql("select count(*) from dead_letter where tenant_id = ?").param(tenant.id())
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from message where tenant_id = ? and status = 'QUEUED' and attempts = 0")
                .param(tenant.id()).query(Long.class).single()).as("waiting is not an attempt").isEqualTo(2);
    }

    private String status(TestTenant tenant, String id) {
        return get("/api/v1/messages/" + id, tenant.senderKey()).text("status");
    }
}
