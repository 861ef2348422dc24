package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.settings.SmtpSecurity;
import io.mailgateway.settings.SmtpSettings;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.SlowSmtpServer;
import io.mailgateway.support.TestSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An attempt's start is written only when the attempt outlasts {@code gateway.delivery.sending-status-after} (1 s):
 * a slow send shows SENDING while it lasts, a quick one is recorded in the one write that ends it.
 */
class SendingStatusTest extends GatewayTestSupport {

    @Autowired
    MeterRegistry registry;

    @Test
    void aSendSlowerThanASecondShowsSendingWhileItLastsAndCountsOneAttempt() throws Exception {
        try (SlowSmtpServer slow = new SlowSmtpServer(3000)) {
            TestTenant tenant = newTenant();
            settings.saveSmtp(new SmtpSettings(tenant.id(), "127.0.0.1", slow.port(), SmtpSecurity.NONE,
                    TENANT_SMTP_USER, cipher.encrypt(TestSecrets.SMTP_PASSWORD), tenant.fromAddress(),
                    SmtpSettings.Status.ACTIVE, Instant.now()));

            String id = send(tenant, simpleMessage("patient@example.org", "Appointment on Monday"));
            JsonNode sending = awaitStatus(tenant, id, "SENDING");
            assertThat(slow.accepted()).as("the server has not answered yet").isZero();
            assertThat(sending.path("attempts").asInt()).isEqualTo(1);
            assertThat(sending.path("route").asText()).isEqualTo("SMTP");

            JsonNode sent = awaitStatus(tenant, id, "SENT");
            assertThat(sent.path("attempts").asInt()).as("the attempt is counted once").isEqualTo(1);
            assertThat(attempts(id)).containsExactly(Map.of("attempt", 1, "outcome", "SENT"));
        }
    }

    @Test
    void aQuickSendIsRecordedOnceWhenItEnds() {
        TestTenant tenant = newTenant();
        // one message first, so the relay's connection is open and the path warm: the one counted is quick
        awaitStatus(tenant, send(tenant, simpleMessage("patient@example.org", "Welcome")), "SENT");
        // the count is the gateway's: wait until nothing else (the first message's hand-off write, earlier tests'
        // retries) is being written
        double[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(500)).until(() -> {
            double now = commitWrites();
            boolean still = now == last[0];
            last[0] = now;
            return still;
        });
        double writesBefore = commitWrites();

        String id = send(tenant, simpleMessage("patient@example.org", "Your invoice"));
        JsonNode sent = awaitStatus(tenant, id, "SENT");

        assertThat(sent.path("attempts").asInt()).isEqualTo(1);
        assertThat(sent.path("route").asText()).isEqualTo("PLATFORM");
        assertThat(attempts(id)).containsExactly(Map.of("attempt", 1, "outcome", "SENT"));
        // accepted, handed off, and SENT with its start: no write of its own for the start
        assertThat(commitWrites() - writesBefore).as("writes of the hot path for one message").isEqualTo(3);
    }

    private double commitWrites() {
        return registry.get("mailgateway.group.commit.writes").summary().totalAmount();
    }

    private List<Map<String, Object>> attempts(String id) {
        return jdbc.sql("select attempt, outcome from message_attempt where message_id = ? order by id").param(id)
                .query((rs, n) -> Map.<String, Object>of("attempt", rs.getInt("attempt"), "outcome",
                        rs.getString("outcome")))
                .list();
    }

    @Test
    void aWaitIsShownUntilItsTimeAndNotAfter() {
        TestTenant tenant = newTenant();
        String id = java.util.UUID.randomUUID().toString();
        Instant now = Instant.now();
        // a queued message held back by the rate limit (no outbox row: handed off, so nothing sends it meanwhile)
        jdbc.sql("""
                insert into message (id, tenant_id, status, attempts, mime_message_id, created_at, updated_at,
                                     waiting_reason, waiting_until)
                values (?, ?, 'QUEUED', 0, ?, ?, ?, 'RATE_LIMIT', ?)""")
                .params(id, tenant.id(), "<" + id + "@example.org>", java.sql.Timestamp.from(now), java.sql.Timestamp.from(now),
                        java.sql.Timestamp.from(now.plusSeconds(60))).update();
        jdbc.sql("insert into message_body (message_id, request_json) values (?, ?)")
                .params(id, simpleMessage("patient@example.org", "Held back")).update();
        JsonNode held = get("/api/v1/messages/" + id, tenant.senderKey()).body();
        assertThat(held.path("waiting").path("reason").asText()).isEqualTo("RATE_LIMIT");

        // its time has passed: its next attempt is starting, and a start under a second is not written yet
        jdbc.sql("update message set waiting_until = ? where id = ?")
                .params(java.sql.Timestamp.from(now.minusSeconds(1)), id).update();
        JsonNode due = get("/api/v1/messages/" + id, tenant.senderKey()).body();
        assertThat(due.path("status").asText()).isEqualTo("QUEUED");
        assertThat(due.path("waiting").isNull()).as("no longer held back").isTrue();
    }
}
