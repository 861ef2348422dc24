package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/**
 * A queue message carries several message ids ("id,id,..."): each is delivered on its own, and neither a message
 * that needs nothing (already SENT, unknown) nor one that fails stops the others in the same queue message.
 */
class BatchDispatchTest extends GatewayTestSupport {

    @Autowired
    JmsTemplate jms;
    @Autowired
    GatewayProperties properties;

    @Test
    void everyMessageOfABatchIsDeliveredOnceAndOneAlreadySentIsNotSentAgain() {
        TestTenant tenant = newTenant();
        String done = send(tenant, simpleMessage("patient@example.org", "Sent before"));
        awaitStatus(tenant, done, "SENT");
        List<String> fresh = List.of(queued(done, "Batch one"), queued(done, "Batch two"), queued(done, "Batch three"));

        jms.convertAndSend(properties.handOff().queue(), String.join(",", done, UUID.randomUUID().toString(),
                fresh.get(0), fresh.get(1), fresh.get(2)));

        for (String id : fresh) {
            assertThat(awaitStatus(tenant, id, "SENT").path("attempts").asInt()).isEqualTo(1);
        }
        assertThat(received(RELAY, tenant)).extracting(m -> m.getSubject())
                .containsExactlyInAnyOrder("Sent before", "Batch one", "Batch two", "Batch three");
        assertThat(get("/api/v1/messages/" + done, tenant.senderKey()).body().path("attempts").asInt())
                .as("the message SENT before is left alone").isEqualTo(1);
    }

    @Test
    void aMessageThatFailsDoesNotKeepTheRestOfItsBatchFromBeingSent() {
        TestTenant failing = newTenant();
        String failingTemplate = send(failing, simpleMessage("patient@example.org", "Before the password changed"));
        awaitStatus(failing, failingTemplate, "SENT");
        tenantSmtp(failing, TestSecrets.WRONG_PASSWORD, true);
        String refused = queued(failingTemplate, "Refused by the server");

        TestTenant fine = newTenant();
        String fineTemplate = send(fine, simpleMessage("patient@example.org", "First"));
        awaitStatus(fine, fineTemplate, "SENT");
        String after = queued(fineTemplate, "After the refused one");

        jms.convertAndSend(properties.handOff().queue(), refused + "," + after);

        assertThat(awaitStatus(failing, refused, "DEAD_LETTERED").path("lastError").path("category").asText())
                .isEqualTo("AUTH_FAILED");
        awaitStatus(fine, after, "SENT");
        assertThat(received(RELAY, fine)).extracting(m -> m.getSubject())
                .containsExactlyInAnyOrder("First", "After the refused one");
    }

    /** A QUEUED message like the template, with its own subject, already handed off (no outbox row: only this test queues it). */
    private String queued(String templateId, String subject) {
        String id = MessageIds.next();
        jdbc.sql("""
                insert into message (id, tenant_id, status, attempts, mime_message_id, created_at, updated_at)
                select ?, tenant_id, 'QUEUED', 0, ?, ?, ? from message where id = ?""")
                .params(id, "<" + id + "@batch.example>", Timestamp.from(Instant.now()), Timestamp.from(Instant.now()),
                        templateId)
                .update();
        jdbc.sql("""
                insert into message_body (message_id, request_json)
                select ?, regexp_replace(request_json, '"subject":"[^"]*"', ?) from message_body where message_id = ?""")
                .params(id, "\"subject\":\"" + subject + "\"", templateId).update();
        return id;
    }
}
