package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.mailgateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A message committed but never put on the queue (the process died in between) is handed off by the outbox. */
class OutboxTest extends GatewayTestSupport {

    @Autowired
    MessageRepository messages;

    @Test
    void anAcceptedMessageThatNeverReachedTheQueueIsHandedOffAndSent() throws Exception {
        TestTenant tenant = newTenant();
        String template = send(tenant, simpleMessage("patient@example.org", "Reached the queue"));
        awaitStatus(tenant, template, "SENT");

        assertThat(outboxRows(template)).as("handed off: its outbox row is gone").isZero();

        // what a crash right after the intake's commit leaves behind: a QUEUED message with its outbox row
        String orphan = UUID.randomUUID().toString();
        Timestamp accepted = Timestamp.from(Instant.now().minusSeconds(10));
        jdbc.sql("""
                insert into message (id, tenant_id, status, attempts, mime_message_id, created_at, updated_at)
                select ?, tenant_id, 'QUEUED', 0, ?, ?, ? from message where id = ?""")
                .params(orphan, "<" + orphan + "@" + tenant.id() + ".example>", accepted, accepted, template)
                .update();
        jdbc.sql("""
                insert into message_body (message_id, request_json)
                select ?, replace(request_json, 'Reached the queue', 'Orphaned by a crash') from message_body
                where message_id = ?""")
                .params(orphan, template).update();
        jdbc.sql("insert into message_outbox (message_id, created_at) values (?, ?)").params(orphan, accepted).update();

        var sent = awaitStatus(tenant, orphan, "SENT");
        assertThat(sent.path("attempts").asInt()).isEqualTo(1);
        assertThat(received(RELAY, tenant)).extracting(m -> m.getSubject())
                .containsExactlyInAnyOrder("Reached the queue", "Orphaned by a crash");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(outboxRows(orphan)).isZero());
    }

    @Test
    void anAcceptedMessageIsCommittedWithItsOutboxRow() {
        TestTenant tenant = newTenant();
        String template = send(tenant, simpleMessage("patient@example.org", "Written with its row"));
        awaitStatus(tenant, template, "SENT");
        String request = jdbc.sql("select request_json from message_body where message_id = ?").param(template)
                .query(String.class).single();
        String id = MessageIds.next();
        Instant accepted = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // intake's write, without the hand-off that follows it
        messages.insert(new StoredMessage(id, tenant.id(), MessageStatus.QUEUED, null, 0, null,
                "<" + id + "@" + tenant.id() + ".example>", request, accepted, null, null, null, null, null, null, null));

        assertThat(jdbc.sql("select created_at from message_outbox where message_id = ?").param(id)
                .query(Timestamp.class).single().toInstant()).isEqualTo(accepted);
        // nothing put it on the queue: the outbox does, once the grace is over
        awaitStatus(tenant, id, "SENT");
        assertThat(outboxRows(id)).isZero();
    }

    private int outboxRows(String messageId) {
        return jdbc.sql("select count(*) from message_outbox where message_id = ?").param(messageId)
                .query(Integer.class).single();
    }
}
