package io.mailgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The OpenAPI document at /api/v1/openapi.json: served without a key, lists every operation of the REST DSL with a
 * description and its answers, and the answers it documents are the ones the gateway gives.
 */
class ApiDocumentTest extends GatewayTestSupport {

    @Autowired
    CamelContext camel;

    private JsonNode document() {
        Reply reply = get("/api/v1/openapi.json", null);
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    private record Operation(String method, String path) {
    }

    private List<Operation> restOperations() {
        List<Operation> operations = new ArrayList<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                .getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                operations.add(new Operation(verb.asVerb(), rest.getPath() + verb.getPath()));
            }
        }
        return operations;
    }

    @Test
    void isAnOpenApi3DocumentOfTheGateway() {
        JsonNode doc = document();

        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("Mail Gateway");
        assertThat(doc.path("info").path("description").asText()).contains("Authorization: Bearer");
        assertThat(doc.path("servers").get(0).path("url").asText()).isEqualTo("http://localhost:8080");
    }

    @Test
    void listsEveryOperationOfTheRestDslWithADescriptionAndItsAnswers() {
        JsonNode paths = document().path("paths");
        List<Operation> operations = restOperations();

        assertThat(operations).hasSizeGreaterThanOrEqualTo(18);
        for (Operation op : operations) {
            JsonNode documented = paths.path(op.path()).path(op.method());
            assertThat(documented.isMissingNode()).as("%s %s documented", op.method(), op.path()).isFalse();
            assertThat(documented.path("summary").asText()).as("%s %s summary", op.method(), op.path())
                    .isNotBlank();
            List<String> codes = new ArrayList<>();
            documented.path("responses").fieldNames().forEachRemaining(codes::add);
            assertThat(codes).as("%s %s answers", op.method(), op.path())
                    .contains("401", "403").anyMatch(code -> code.startsWith("2"));
        }
    }

    @Test
    void everyOperationAnswers401WithoutAKeyAsDocumented() {
        for (Operation op : restOperations()) {
            String path = op.path().replaceAll("\\{index}", "0").replaceAll("\\{[^}]+}", "no-such-id");
            Reply reply = call(op.method().toUpperCase(), path, null, "{}", Map.of());
            assertThat(reply.status()).as("%s %s without a key", op.method(), path).isEqualTo(401);
        }
    }

    @Test
    void theDocumentedAnswersOfSendingAMessageAreTheOnesGiven() {
        JsonNode send = document().path("paths").path("/api/v1/messages").path("post").path("responses");
        JsonNode status = document().path("paths").path("/api/v1/messages/{id}").path("get").path("responses");
        TestTenant tenant = newTenant();

        Reply accepted = post("/api/v1/messages", tenant.senderKey(), simpleMessage("patient@example.org", "Reminder"));
        Reply invalid = post("/api/v1/messages", tenant.senderKey(), "{\"to\":[\"not an address\"]}");
        Reply staffCannotSend = post("/api/v1/messages", TestSecrets.ADMIN_KEY,
                simpleMessage("patient@example.org", "Reminder"));
        Reply unknown = get("/api/v1/messages/no-such-message", tenant.senderKey());
        Reply known = get("/api/v1/messages/" + accepted.text("id"), tenant.senderKey());

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(send.has("202")).isTrue();
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(send.has("400")).isTrue();
        assertThat(staffCannotSend.status()).isEqualTo(403);
        assertThat(send.has("403")).isTrue();
        assertThat(known.status()).isEqualTo(200);
        assertThat(status.has("200")).isTrue();
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(status.has("404")).isTrue();
    }
}
