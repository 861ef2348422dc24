package io.mailgateway.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.delivery.MimeAssertions;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
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
    void whenTheDeadLetterCannotBeStoredItIsLoggedLoudlyAndTheMessageStaysUnfinishedWithoutALoop() {
        // the database refuses dead letters of this one tenant, as a full disk or a lost connection would
        jdbc.sql("alter table dead_letter add constraint refuse_" + clinic.id().replace('-', '_')
                + " check (tenant_id <> '" + clinic.id() + "')").update();
        Logger storeLog = (Logger) LoggerFactory.getLogger(DeadLetterStore.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        storeLog.addAppender(logged);
        try {
            NotifyBuilder dispatched = new NotifyBuilder(camel).fromRoute("dispatch-message").whenFailed(1).create();
            String id = send(clinic, simpleMessage("patient@example.org", "Lab results"));

            assertThat(dispatched.matches(30, TimeUnit.SECONDS)).as("dispatch gave up on the exchange").isTrue();
            JsonNode status = get("/api/v1/messages/" + id, clinic.senderKey()).body();
            assertThat(status.path("status").asText()).as("not lost, not falsely final").isIn("SENDING", "RETRYING");
            assertThat(status.path("attempts").asInt()).as("a permanent failure is tried once, no loop").isEqualTo(1);
            List<String> errors = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(errors).anySatisfy(line -> assertThat(line).contains("DEAD LETTER NOT STORED").contains(id));
            assertThat(errors).noneSatisfy(line -> assertThat(line).contains("Lab results"));
        } finally {
            storeLog.detachAppender(logged);
            jdbc.sql("alter table dead_letter drop constraint refuse_" + clinic.id().replace('-', '_')).update();
        }
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
                jdbc.sql("select attempts from message where tenant_id = ?").param(clinic.id()).query(Integer.class).single() == 1);
    }
}
