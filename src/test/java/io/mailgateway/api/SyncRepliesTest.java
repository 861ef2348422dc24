package io.mailgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * An API request is answered in one pass through Spring MVC: no asynchronous processing is started, so the
 * request is not dispatched a second time just to be finished.
 */
class SyncRepliesTest extends GatewayTestSupport {

    @Autowired
    WebApplicationContext context;

    @Test
    void aMessageIsAcceptedWithoutAnAsynchronousDispatch() throws Exception {
        TestTenant tenant = newTenant();
        MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();

        MvcResult result = mvc.perform(MockMvcRequestBuilders.post("/api/v1/messages")
                        .header("Authorization", "Bearer " + tenant.senderKey())
                        .contentType("application/json")
                        .content(simpleMessage("patient@example.org", "One pass")))
                .andReturn();

        assertThat(result.getRequest().isAsyncStarted()).as("asynchronous processing started").isFalse();
        assertThat(result.getResponse().getStatus()).isEqualTo(202);
        assertThat(result.getResponse().getContentAsString()).contains("\"status\":\"QUEUED\"");
        awaitStatus(tenant, JSON.readTree(result.getResponse().getContentAsString()).path("id").asText(), "SENT");
    }

    @Test
    void anErrorIsAnsweredInTheSamePass() throws Exception {
        MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();

        MvcResult result = mvc.perform(MockMvcRequestBuilders.post("/api/v1/messages")
                        .contentType("application/json").content("{}"))
                .andReturn();

        assertThat(result.getRequest().isAsyncStarted()).isFalse();
        assertThat(result.getResponse().getStatus()).isEqualTo(401);
        assertThat(result.getResponse().getContentAsString()).contains("unauthorized");
    }
}
