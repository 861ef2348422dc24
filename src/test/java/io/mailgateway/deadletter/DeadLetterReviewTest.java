package io.mailgateway.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.delivery.MimeAssertions;
import io.mailgateway.message.MessageRepository;
import io.mailgateway.message.Outbox;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/** Support staff review, retry and discard dead letters; nothing is lost, nothing is sent twice by accident. */
class DeadLetterReviewTest extends GatewayTestSupport {

    @Autowired
    DeadLetterRetention retention;

    @Autowired
    MessageRepository messages;

    @Autowired
    Outbox outbox;

    @Autowired
    CamelContext camel;

    private TestTenant clinic;
    private String supportKey;

    @BeforeEach
    void clinicWithAWrongPassword() {
        clinic = newTenant();
        tenantSmtp(clinic, TestSecrets.WRONG_PASSWORD, true);
        supportKey = newKey(newTenant().id(), "SUPPORT");
    }

    private String deadLetterOf(String body) {
        String messageId = send(clinic, body);
        awaitStatus(clinic, messageId, "DEAD_LETTERED");
        return jdbc.sql("select id from dead_letter where message_id = ?").param(messageId).query(String.class).single();
    }

    private JsonNode list(String query) {
        Reply reply = get("/api/v1/dead-letters?tenant=" + clinic.id() + query, supportKey);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.body();
    }

    private Reply action(String path, String body) {
        return call("POST", "/api/v1/dead-letters" + path, supportKey, body, Map.of());
    }

    @Test
    void everyFilterNarrowsTheList() {
        String appointment = deadLetterOf(simpleMessage("anna@example.org", "Appointment reminder"));
        String invoice = deadLetterOf(simpleMessage("ben@example.org", "Invoice 2026-118"));

        assertThat(list("").path("total").asInt()).isEqualTo(2);
        assertThat(list("").path("countsByCategory").path("AUTH_FAILED").asInt()).isEqualTo(2);
        assertThat(list("&route=SMTP").path("total").asInt()).isEqualTo(2);
        assertThat(list("&route=GMAIL").path("total").asInt()).isZero();
        assertThat(list("&category=AUTH_FAILED").path("total").asInt()).isEqualTo(2);
        assertThat(list("&category=TLS_FAILED").path("total").asInt()).isZero();
        assertThat(list("&recipient=BEN@example.org").path("items").get(0).path("id").asText()).isEqualTo(invoice);
        assertThat(list("&recipient=en@example.org").path("total").asInt()).as("whole addresses only").isZero();
        assertThat(list("&q=reminder").path("items").get(0).path("id").asText()).isEqualTo(appointment);
        assertThat(list("&q=100%25").path("total").asInt()).as("LIKE wildcards are literal").isZero();
        assertThat(list("&status=NEW").path("total").asInt()).isEqualTo(2);
        assertThat(list("&status=DISCARDED").path("total").asInt()).isZero();
        String hourAgo = Instant.now().minus(1, ChronoUnit.HOURS).toString();
        String inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).toString();
        assertThat(list("&from=" + hourAgo + "&to=" + inAnHour).path("total").asInt()).isEqualTo(2);
        assertThat(list("&to=" + hourAgo).path("total").asInt()).isZero();
        assertThat(list("").path("items").get(0).path("id").asText()).as("newest first").isEqualTo(invoice);

        Reply bad = get("/api/v1/dead-letters?status=LOST&from=yesterday", supportKey);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("details").findValuesAsText("field")).contains("status", "from");
    }

    @Test
    void theDetailHasAttemptsSettingsAtTheTimeAndADownloadLink() throws Exception {
        String id = deadLetterOf(MimeAssertions.fullMessage());

        JsonNode detail = get("/api/v1/dead-letters/" + id, supportKey).body();

        assertThat(detail.path("settingsAtFailure").path("route").asText()).isEqualTo("SMTP");
        assertThat(detail.path("settingsAtFailure").path("username").asText()).isEqualTo(TENANT_SMTP_USER);
        assertThat(detail.toString()).doesNotContain(TestSecrets.WRONG_PASSWORD).doesNotContain("\"password").doesNotContain("passwordEnc");
        assertThat(detail.path("attemptLog")).hasSize(1);
        assertThat(detail.path("attemptLog").get(0).path("outcome").asText()).isEqualTo("FAILED");
        assertThat(detail.path("attemptLog").get(0).path("providerReply").asText()).startsWith("535");
        assertThat(detail.path("hint").asText()).isNotBlank();
        String download = detail.path("request").path("attachments").get(0).path("download").asText();
        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + download)).header("Authorization", "Bearer " + supportKey).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(MimeAssertions.PDF);
        assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"letter.pdf\"");
        assertThat(get(download, clinic.senderKey()).status()).isEqualTo(403);
    }

    @Test
    void aRetryAfterTheClinicFixedItsPasswordIsSentAndASecondRetryIsRefused() throws Exception {
        String id = deadLetterOf(simpleMessage("patient@example.org", "Lab results ready"));
        String messageId = jdbc.sql("select message_id from dead_letter where id = ?").param(id).query(String.class).single();
        tenantSmtp(clinic, TestSecrets.SMTP_PASSWORD, true);

        Reply retried = action("/" + id + "/retry", null);

        assertThat(retried.status()).isEqualTo(200);
        // the retry's outbox row went with its hand-off, within the request: the outbox route does not hand the
        // message off a second time
        assertThat(jdbc.sql("select count(*) from message_outbox where message_id = ?").param(messageId)
                .query(Integer.class).single()).isZero();
        assertThat(retried.text("status")).isEqualTo("RETRIED");
        assertThat(retried.text("messageId")).isEqualTo(messageId);
        JsonNode sent = awaitStatus(clinic, messageId, "SENT");
        assertThat(sent.path("attempts").asInt()).isEqualTo(2);
        assertThat(received(TENANT_SMTP, clinic)).hasSize(1);
        assertThat(received(TENANT_SMTP, clinic)[0].getSubject()).isEqualTo("Lab results ready");

        JsonNode detail = get("/api/v1/dead-letters/" + id, supportKey).body();
        assertThat(detail.path("status").asText()).isEqualTo("RETRIED");
        assertThat(detail.path("retryAttempt").asInt()).isEqualTo(2);
        assertThat(detail.path("messageStatus").asText()).isEqualTo("SENT");
        assertThat(detail.path("attemptLog")).hasSize(2);
        assertThat(detail.path("attemptLog").get(1).path("outcome").asText()).isEqualTo("SENT");
        assertThat(detail.path("attemptLog").get(1).path("attempt").asInt()).isEqualTo(2);
        assertThat(detail.path("attemptLog").get(1).path("route").asText()).isEqualTo("SMTP");
        assertThat(detail.path("audit").get(0).path("action").asText()).isEqualTo("RETRY");
        assertThat(detail.path("audit").get(0).path("actor").asText()).startsWith("SUPPORT:");

        Reply twice = action("/" + id + "/retry", null);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(received(TENANT_SMTP, clinic)).as("not sent twice").hasSize(1);
        assertThat(action("/does-not-exist/retry", null).status()).isEqualTo(404);
    }

    @Test
    void aRetriedMessageThatDidNotReachTheQueueIsHandedOffByTheOutbox() {
        String id = deadLetterOf(simpleMessage("patient@example.org", "Retried, then the process died"));
        String messageId = jdbc.sql("select message_id from dead_letter where id = ?").param(id).query(String.class).single();
        tenantSmtp(clinic, TestSecrets.SMTP_PASSWORD, true);

        // what the retry's commit leaves when the process dies before the hand-off: QUEUED again, not on the queue
        assertThat(messages.requeue(messageId)).isTrue();
        // its row is claimed by the retry's own hand-off: the outbox leaves it alone, even past the grace, while a
        // bulk retry may still be handing it off, and takes it once the claim has expired (6 x the grace)
        jdbc.sql("update message_outbox set created_at = ? where message_id = ?")
                .params(Timestamp.from(Instant.now().minusSeconds(10)), messageId).update();
        assertThat(outbox.claimStale()).doesNotContain(messageId);

        JsonNode sent = awaitStatus(clinic, messageId, "SENT");
        assertThat(sent.path("attempts").asInt()).isEqualTo(2);
        assertThat(received(TENANT_SMTP, clinic)).extracting(m -> m.getSubject())
                .containsExactly("Retried, then the process died");
    }

    @Test
    void aRetryWhoseHandOffFailsIsStillAnsweredAndTheOutboxHandsItOffLater() throws Exception {
        String id = deadLetterOf(simpleMessage("patient@example.org", "The broker refused the retry"));
        String messageId = jdbc.sql("select message_id from dead_letter where id = ?").param(id).query(String.class).single();
        tenantSmtp(clinic, TestSecrets.SMTP_PASSWORD, true);
        // the next send of the retry route fails as if the broker were unreachable (only the next one: the route
        // stays as it was for the other tests of the shared context)
        AtomicBoolean refuseNext = new AtomicBoolean(true);
        AdviceWith.adviceWith(camel, "hand-off-retried", route -> route.weaveById("hand-off-retried-message").before()
                .process(exchange -> {
                    if (refuseNext.getAndSet(false)) {
                        throw new jakarta.jms.JMSException("broker unreachable (test)");
                    }
                }));

        Reply retried = action("/" + id + "/retry", null);

        assertThat(retried.status()).as(retried.raw()).isEqualTo(200);
        assertThat(retried.text("status")).isEqualTo("RETRIED");
        assertThat(refuseNext).isFalse();
        assertThat(jdbc.sql("select count(*) from message_outbox where message_id = ?").param(messageId)
                .query(Integer.class).single()).as("left to the outbox").isOne();
        JsonNode sent = awaitStatus(clinic, messageId, "SENT");
        assertThat(sent.path("attempts").asInt()).isEqualTo(2);
        assertThat(received(TENANT_SMTP, clinic)).extracting(m -> m.getSubject())
                .containsExactly("The broker refused the retry");
    }

    @Test
    void aDiscardIsKeptVisibleWithWhoWhenAndWhy() {
        String id = deadLetterOf(simpleMessage("moved@example.org", "Old address"));

        assertThat(action("/" + id + "/discard", "{}").status()).as("a reason is required").isEqualTo(400);
        Reply discarded = action("/" + id + "/discard", "{\"reason\":\"Patient moved away; clinic informed by phone\"}");

        assertThat(discarded.status()).isEqualTo(200);
        JsonNode detail = get("/api/v1/dead-letters/" + id, supportKey).body();
        assertThat(detail.path("status").asText()).isEqualTo("DISCARDED");
        assertThat(detail.path("discardReason").asText()).isEqualTo("Patient moved away; clinic informed by phone");
        assertThat(detail.path("discardedBy").asText()).startsWith("SUPPORT:");
        assertThat(detail.path("discardedAt").asText()).isNotBlank();
        assertThat(detail.path("messageStatus").asText()).isEqualTo("DISCARDED");
        assertThat(detail.path("audit").get(0).path("action").asText()).isEqualTo("DISCARD");
        assertThat(list("&status=DISCARDED").path("total").asInt()).isEqualTo(1);
        assertThat(action("/" + id + "/retry", null).status()).isEqualTo(409);
    }

    @Test
    void bulkRetryTouchesEveryMatchAndOneBadItemDoesNotStopTheRest() {
        String first = deadLetterOf(simpleMessage("a@example.org", "Bulk one"));
        String second = deadLetterOf(simpleMessage("b@example.org", "Bulk two"));
        String broken = deadLetterOf(simpleMessage("c@example.org", "Bulk three"));
        // the third one's message was finished elsewhere meanwhile: requeueing it must fail, alone
        jdbc.sql("update message set status = 'SENT' where id = (select message_id from dead_letter where id = ?)")
                .param(broken).update();
        tenantSmtp(clinic, TestSecrets.SMTP_PASSWORD, true);

        Reply bulk = action("/retry", "{\"tenant\":\"" + clinic.id() + "\",\"category\":\"AUTH_FAILED\"}");

        assertThat(bulk.status()).isEqualTo(200);
        assertThat(bulk.body().path("matched").asInt()).isEqualTo(3);
        assertThat(bulk.body().path("count").asInt()).isEqualTo(2);
        assertThat(bulk.body().path("failed")).hasSize(1);
        assertThat(bulk.body().path("failed").get(0).path("id").asText()).isEqualTo(broken);
        for (String id : new String[] {first, second}) {
            String messageId = jdbc.sql("select message_id from dead_letter where id = ?").param(id).query(String.class).single();
            awaitStatus(clinic, messageId, "SENT");
        }
        assertThat(list("&status=NEW").path("items").get(0).path("id").asText()).isEqualTo(broken);
    }

    @Test
    void bulkDiscardNeedsAReasonAndCountsWhatItTouched() {
        deadLetterOf(simpleMessage("a@example.org", "Discard me"));
        deadLetterOf(simpleMessage("b@example.org", "Discard me too"));

        assertThat(action("/discard", "{\"tenant\":\"" + clinic.id() + "\"}").status()).isEqualTo(400);
        Reply bulk = action("/discard", "{\"tenant\":\"" + clinic.id() + "\",\"q\":\"discard me\",\"reason\":\"Test run\"}");

        assertThat(bulk.body().path("count").asInt()).isEqualTo(2);
        assertThat(list("&status=DISCARDED").path("total").asInt()).isEqualTo(2);
    }

    @Test
    void sendersCannotReviewOrActOnDeadLetters() {
        String id = deadLetterOf(simpleMessage("a@example.org", "Not for senders"));
        assertThat(call("POST", "/api/v1/dead-letters/" + id + "/retry", clinic.senderKey(), null, Map.of()).status()).isEqualTo(403);
        assertThat(call("POST", "/api/v1/dead-letters/" + id + "/discard", clinic.senderKey(), "{\"reason\":\"x\"}", Map.of()).status()).isEqualTo(403);
        assertThat(call("POST", "/api/v1/dead-letters/retry", clinic.senderKey(), "{}", Map.of()).status()).isEqualTo(403);
        assertThat(get("/api/v1/dead-letters/" + id, clinic.senderKey()).status()).isEqualTo(403);
        assertThat(call("POST", "/api/v1/dead-letters/" + id + "/retry", TestSecrets.ADMIN_KEY, null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void deadLettersOlderThanTheRetentionArePurgedWithTheirPatientDataAndItIsLogged() {
        String old = deadLetterOf(simpleMessage("a@example.org", "Old one"));
        String recent = deadLetterOf(simpleMessage("b@example.org", "Recent one"));
        action("/" + old + "/discard", "{\"reason\":\"kept for the audit until purged\"}");
        String oldMessage = jdbc.sql("select message_id from dead_letter where id = ?").param(old).query(String.class).single();
        jdbc.sql("update dead_letter set created_at = ? where id = ?")
                .params(Timestamp.from(Instant.now().minus(31, ChronoUnit.DAYS)), old).update();
        Logger log = (Logger) LoggerFactory.getLogger(DeadLetterRetention.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            assertThat(retention.purge()).isGreaterThanOrEqualTo(1);
        } finally {
            log.detachAppender(logged);
        }

        assertThat(get("/api/v1/dead-letters/" + old, supportKey).status()).isEqualTo(404);
        assertThat(get("/api/v1/dead-letters/" + recent, supportKey).status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from message where id = ?").param(oldMessage).query(Long.class).single())
                .as("the message with its bodies is gone too").isZero();
        assertThat(jdbc.sql("select count(*) from message_body where message_id = ?").param(oldMessage).query(Long.class).single())
                .as("the stored request of the message is gone").isZero();
        assertThat(jdbc.sql("select count(*) from dead_letter_audit where dead_letter_id = ?").param(old).query(Long.class).single()).isZero();
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).startsWith("Purged ").contains("retention PT720H"));
    }
}
