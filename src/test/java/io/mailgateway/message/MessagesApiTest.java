package io.mailgateway.message;

import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The intake contract of routes/messages.camel.yaml: 202, idempotency, authentication, and every bad input. */
class MessagesApiTest extends GatewayTestSupport {

    private TestTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = newTenant();
    }

    private long messageCount() {
        return jdbc.sql("select count(*) from message where tenant_id = ?").param(tenant.id()).query(Long.class).single();
    }

    @Test
    void acceptsAMessageWith202AndAnIdThenReportsItSent() {
        Reply reply = post("/api/v1/messages", tenant.senderKey(), simpleMessage("patient@example.org", "Reminder"));

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.text("status")).isEqualTo("QUEUED");
        String id = reply.text("id");
        var status = awaitStatus(tenant, id, "SENT");
        assertThat(status.path("tenantId").asText()).isEqualTo(tenant.id());
        assertThat(status.path("route").asText()).isEqualTo("PLATFORM");
        assertThat(status.path("attempts").asInt()).isEqualTo(1);
        assertThat(status.path("sentAt").asText()).isNotBlank();
        assertThat(status.path("createdAt").asText()).isNotBlank();
        assertThat(status.path("providerMessageId").asText()).isEqualTo("<" + id + "@" + tenant.id() + ".example>");
        assertThat(status.path("lastError").isNull()).isTrue();
    }

    @Test
    void theSameIdempotencyKeyReturnsTheFirstMessageAndSendsNothingMore() throws Exception {
        Map<String, String> key = Map.of("Idempotency-Key", "invoice-4711");
        Reply first = call("POST", "/api/v1/messages", tenant.senderKey(), simpleMessage("a@example.org", "Invoice 4711"), key);
        awaitStatus(tenant, first.text("id"), "SENT");
        Reply second = call("POST", "/api/v1/messages", tenant.senderKey(), simpleMessage("a@example.org", "Invoice 4711"), key);

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.text("id")).isEqualTo(first.text("id"));
        assertThat(second.text("status")).isEqualTo("SENT");
        assertThat(messageCount()).isEqualTo(1);
        assertThat(received(RELAY, tenant)).hasSize(1);
    }

    @Test
    void anIdempotencyKeyOfAnotherTenantDoesNotCollide() {
        TestTenant other = newTenant();
        Map<String, String> key = Map.of("Idempotency-Key", "same-key");
        Reply mine = call("POST", "/api/v1/messages", tenant.senderKey(), simpleMessage("a@example.org", "Mine"), key);
        Reply theirs = call("POST", "/api/v1/messages", other.senderKey(), simpleMessage("a@example.org", "Theirs"), key);
        assertThat(theirs.status()).isEqualTo(202);
        assertThat(theirs.text("id")).isNotEqualTo(mine.text("id"));
    }

    @Test
    void fromDefaultsToTheTenantsAddress() throws Exception {
        String id = send(tenant, simpleMessage("a@example.org", "Default from"));
        awaitStatus(tenant, id, "SENT");
        assertThat(received(RELAY, tenant)[0].getFrom()[0].toString()).isEqualTo(tenant.fromAddress());
    }

    @Nested
    class Authentication {

        @Test
        void aReplyDoesNotEchoTheRequestsHeaders() {
            Reply reply = call("POST", "/api/v1/messages", tenant.senderKey(), simpleMessage("a@example.org", "Echo"),
                    Map.of("X-Upstream-Trace", "trace-77", "Cookie", "session=s3cr3t"));
            assertThat(reply.status()).isEqualTo(202);
            assertThat(reply.headers().map().keySet()).map(String::toLowerCase)
                    .doesNotContain("x-upstream-trace", "cookie", "user-agent", "authorization", "idempotency-key");
            assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        }

        @Test
        void aMissingKeyIs401() {
            Reply reply = post("/api/v1/messages", null, simpleMessage("a@example.org", "x"));
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.text("error")).isEqualTo("unauthorized");
        }

        @Test
        void anUnknownKeyIs401() {
            assertThat(post("/api/v1/messages", "mgw_not-a-key", simpleMessage("a@example.org", "x")).status()).isEqualTo(401);
            assertThat(get("/api/v1/messages/whatever", "mgw_not-a-key").status()).isEqualTo(401);
        }

        @Test
        void anotherTenantsMessageIs404LikeAMessageThatDoesNotExist() {
            String id = send(tenant, simpleMessage("a@example.org", "Private"));
            TestTenant other = newTenant();
            Reply reply = get("/api/v1/messages/" + id, other.senderKey());
            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.raw()).isEqualTo(get("/api/v1/messages/no-such-id", other.senderKey()).raw());
        }

        @Test
        void onlyAnAdminCreatesTenantsAndKeys() {
            assertThat(post("/api/v1/tenants", tenant.senderKey(),
                    "{\"id\":\"x\",\"name\":\"x\",\"loginEmail\":\"a@b.org\",\"fromAddress\":\"a@b.org\"}").status())
                    .isEqualTo(403);
            assertThat(post("/api/v1/tenants/" + tenant.id() + "/api-keys", tenant.senderKey(), "{\"role\":\"ADMIN\"}").status())
                    .isEqualTo(403);
        }

        @Test
        void aSupportKeyCannotSend() {
            String support = newKey(tenant.id(), "SUPPORT");
            assertThat(post("/api/v1/messages", support, simpleMessage("a@example.org", "x")).status()).isEqualTo(403);
        }

        @Test
        void theBootstrapAdminKeyCreatesKeysThatAreShownOnce() {
            Reply key = post("/api/v1/tenants/" + tenant.id() + "/api-keys", TestSecrets.ADMIN_KEY, "{\"role\":\"SENDER\"}");
            assertThat(key.status()).isEqualTo(201);
            assertThat(key.text("key")).startsWith("mgw_");
            String stored = jdbc.sql("select key_hash from api_key where id = ?").param(key.text("id")).query(String.class).single();
            assertThat(stored).doesNotContain(key.text("key")).hasSize(64);
        }
    }

    @Nested
    class BadInput {

        private void assertRejected(String body, String field) {
            Reply reply = post("/api/v1/messages", tenant.senderKey(), body);
            assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
            assertThat(reply.body().path("error").asText()).isNotBlank();
            assertThat(reply.body().path("details").findValuesAsText("field")).contains(field);
            assertThat(messageCount()).isZero();
        }

        @Test
        void missingRecipients() {
            assertRejected("{\"subject\":\"s\",\"text\":\"t\"}", "to");
            assertRejected("{\"to\":[],\"subject\":\"s\",\"text\":\"t\"}", "to");
        }

        @Test
        void anInvalidAddress() {
            assertRejected("{\"to\":[\"not-an-address\"],\"subject\":\"s\",\"text\":\"t\"}", "to[0]");
            assertRejected("{\"to\":[\"a@example.org\"],\"cc\":[\"a@@b\"],\"subject\":\"s\",\"text\":\"t\"}", "cc[0]");
            assertRejected("{\"to\":[\"a@example.org\"],\"from\":\"nobody\",\"subject\":\"s\",\"text\":\"t\"}", "from");
        }

        @Test
        void twoAddressesInOneEntry() {
            assertRejected("{\"to\":[\"a@example.org, b@example.org\"],\"subject\":\"s\",\"text\":\"t\"}", "to[0]");
        }

        @Test
        void noSubject() {
            assertRejected("{\"to\":[\"a@example.org\"],\"text\":\"t\"}", "subject");
            assertRejected("{\"to\":[\"a@example.org\"],\"subject\":\"  \",\"text\":\"t\"}", "subject");
        }

        @Test
        void neitherTextNorHtml() {
            assertRejected("{\"to\":[\"a@example.org\"],\"subject\":\"s\"}", "text");
        }

        @Test
        void lineBreakInTheSubjectIsHeaderInjection() {
            assertRejected("{\"to\":[\"a@example.org\"],\"subject\":\"Hi\\r\\nBcc: victim@example.org\",\"text\":\"t\"}", "subject");
        }

        @Test
        void lineBreakInAnAddressIsHeaderInjection() {
            assertRejected("{\"to\":[\"a@example.org\\nBcc: victim@example.org\"],\"subject\":\"s\",\"text\":\"t\"}", "to[0]");
            assertRejected("{\"to\":[\"a@example.org\"],\"replyTo\":\"r@example.org\\r\\nX: y\",\"subject\":\"s\",\"text\":\"t\"}", "replyTo");
        }

        @Test
        void badBase64InAnAttachment() {
            assertRejected("""
                    {"to":["a@example.org"],"subject":"s","text":"t",
                     "attachments":[{"filename":"a.pdf","contentType":"application/pdf","contentBase64":"%%%not base64"}]}""",
                    "attachments[0].contentBase64");
        }

        @Test
        void moreThan100Recipients() {
            String to = IntStream.range(0, 60).mapToObj(i -> "\"p" + i + "@example.org\"").collect(Collectors.joining(","));
            String cc = IntStream.range(0, 41).mapToObj(i -> "\"c" + i + "@example.org\"").collect(Collectors.joining(","));
            assertRejected("{\"to\":[" + to + "],\"cc\":[" + cc + "],\"subject\":\"s\",\"text\":\"t\"}", "to");
        }

        @Test
        void aMessageOverTheSizeLimit() {
            // the test profile keeps the default 25 MB limit: 26 MB of attachment is over it
            String big = Base64.getEncoder().encodeToString(new byte[26 * 1024 * 1024]);
            assertRejected("{\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\",\"attachments\":[{\"filename\":\"scan.pdf\","
                    + "\"contentType\":\"application/pdf\",\"contentBase64\":\"" + big + "\"}]}", "attachments");
        }

        @Test
        void aBodyThatIsNotJson() {
            Reply reply = post("/api/v1/messages", tenant.senderKey(), "to=a@example.org&subject=hi");
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.text("error")).isEqualTo("invalid_json");
            assertThat(post("/api/v1/messages", tenant.senderKey(), "{\"to\": [").status()).isEqualTo(400);
            assertThat(post("/api/v1/messages", tenant.senderKey(), "").status()).isEqualTo(400);
            assertThat(messageCount()).isZero();
        }

        @Test
        void anUnknownField() {
            assertRejected("{\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\",\"priority\":\"high\"}", "priority");
        }

        @Test
        void aFieldOfTheWrongType() {
            assertRejected("{\"to\":\"a@example.org\",\"subject\":\"s\",\"text\":\"t\"}", "to");
        }
    }
}
