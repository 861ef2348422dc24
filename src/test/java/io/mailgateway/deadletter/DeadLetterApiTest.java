package io.mailgateway.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.delivery.MimeAssertions;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

class DeadLetterApiTest extends GatewayTestSupport {

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

    private String deadLetter(TestTenant tenant, String body) {
        String id = send(tenant, body);
        awaitStatus(tenant, id, "DEAD_LETTERED");
        return id;
    }

    @Test
    void supportSeesTheDeadLettersOfEveryTenantWithCategoryAndHint() {
        String messageId = deadLetter(clinic, simpleMessage("patient@example.org", "Appointment"));

        Reply list = get("/api/v1/dead-letters?tenant=" + clinic.id(), supportKey);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("total").asLong()).isEqualTo(1);
        JsonNode item = list.body().path("items").get(0);
        assertThat(item.path("messageId").asText()).isEqualTo(messageId);
        assertThat(item.path("tenantId").asText()).isEqualTo(clinic.id());
        assertThat(item.path("route").asText()).isEqualTo("SMTP");
        assertThat(item.path("category").asText()).isEqualTo("AUTH_FAILED");
        assertThat(item.path("hint").asText()).contains("password");
        assertThat(item.path("providerReply").asText()).startsWith("535");
        assertThat(item.path("status").asText()).isEqualTo("NEW");
    }

    @Test
    void theDetailHasTheOriginalRequestWithAttachmentSizesButNotTheirContent() {
        deadLetter(clinic, MimeAssertions.fullMessage());
        String id = get("/api/v1/dead-letters?tenant=" + clinic.id(), supportKey).body().path("items").get(0).path("id").asText();

        Reply detail = get("/api/v1/dead-letters/" + id, supportKey);
        assertThat(detail.status()).isEqualTo(200);
        JsonNode request = detail.body().path("request");
        assertThat(request.path("to").get(0).asText()).isEqualTo("patient@example.org");
        assertThat(request.path("bcc").get(0).asText()).isEqualTo("archive@clinic.example");
        assertThat(request.path("subject").asText()).isNotBlank();
        JsonNode attachment = request.path("attachments").get(0);
        assertThat(attachment.path("filename").asText()).isNotBlank();
        assertThat(attachment.path("size").asInt()).isPositive();
        assertThat(attachment.has("contentBase64")).isFalse();
        assertThat(detail.raw()).doesNotContain(TestSecrets.WRONG_PASSWORD);
    }

    @Test
    void filtersByCategoryAndPages() {
        deadLetter(clinic, simpleMessage("a@example.org", "One"));
        deadLetter(clinic, simpleMessage("b@example.org", "Two"));

        Reply auth = get("/api/v1/dead-letters?tenant=" + clinic.id() + "&category=AUTH_FAILED&limit=1", supportKey);
        assertThat(auth.body().path("total").asLong()).isEqualTo(2);
        assertThat(auth.body().path("items")).hasSize(1);
        Reply second = get("/api/v1/dead-letters?tenant=" + clinic.id() + "&category=AUTH_FAILED&limit=1&offset=1", supportKey);
        assertThat(second.body().path("items").get(0).path("id").asText())
                .isNotEqualTo(auth.body().path("items").get(0).path("id").asText());
        Reply none = get("/api/v1/dead-letters?tenant=" + clinic.id() + "&category=TLS_FAILED", supportKey);
        assertThat(none.body().path("total").asLong()).isZero();
    }

    @Test
    void aSenderKeyIsForbiddenAndAnUnknownIdIs404() {
        assertThat(get("/api/v1/dead-letters", clinic.senderKey()).status()).isEqualTo(403);
        assertThat(get("/api/v1/dead-letters/does-not-exist", supportKey).status()).isEqualTo(404);
        assertThat(get("/api/v1/dead-letters", null).status()).isEqualTo(401);
    }

    @Test
    void whenTheDeadLetterCannotBeStoredItIsLoggedLoudlyStaysQueuedAndIsStoredOnceTheDatabaseIsBack() {
        // the database refuses dead letters of this one tenant, as a full disk or a lost connection would
        String constraint = "refuse_" + clinic.id().replace('-', '_');
        jdbc.sql("alter table dead_letter add constraint " + constraint + " check (tenant_id <> '" + clinic.id() + "')").update();
        Logger storeLog = (Logger) LoggerFactory.getLogger(DeadLetterStore.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        storeLog.addAppender(logged);
        String id;
        try {
            id = send(clinic, simpleMessage("patient@example.org", "Lab results"));

            await().atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(logged.list).stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("DEAD LETTER NOT STORED for message " + id)));
            JsonNode status = get("/api/v1/messages/" + id, clinic.senderKey()).body();
            assertThat(status.path("status").asText()).as("not lost, not falsely final").isIn("SENDING", "RETRYING");
            assertThat(List.copyOf(logged.list)).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("Lab results"));
        } finally {
            storeLog.detachAppender(logged);
            jdbc.sql("alter table dead_letter drop constraint " + constraint).update();
        }
        // the broker still holds the message: once the database takes dead letters again, it is stored, once
        awaitStatus(clinic, id, "DEAD_LETTERED");
        assertThat(jdbc.sql("select count(*) from dead_letter where message_id = ?").param(id).query(Long.class).single())
                .isEqualTo(1);
    }
}
