package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.mailgateway.support.GatewayTestSupport;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** One clinic's large backlog does not hold back another clinic's few messages. */
class FairnessTest extends GatewayTestSupport {

    @Autowired
    CamelContext camel;

    private long sentOf(TestTenant tenant) {
        return jdbc.sql("select count(*) from message where tenant_id = ? and status = 'SENT'").param(tenant.id())
                .query(Long.class).single();
    }

    @Test
    void aSmallClinicsMessagesOvertakeABigClinicsBacklog() throws Exception {
        TestTenant big = newTenant();
        TestTenant small = newTenant();
        // both are queued before any is delivered: dispatch is paused while they arrive
        camel.getRouteController().stopRoute("dispatch-message");
        List<String> smallIds = new ArrayList<>();
        try {
            ExecutorService senders = Executors.newFixedThreadPool(8);
            List<Future<String>> bigIds = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                bigIds.add(senders.submit(() -> send(big, simpleMessage("patient" + n + "@example.org", "Monday reminder " + n))));
            }
            for (Future<String> f : bigIds) {
                f.get();
            }
            senders.shutdown();
            for (int i = 0; i < 10; i++) {
                smallIds.add(send(small, simpleMessage("invoice" + i + "@example.org", "Invoice " + i)));
            }
        } finally {
            camel.getRouteController().startRoute("dispatch-message");
        }

        for (String id : smallIds) {
            awaitStatus(small, id, "SENT");
        }
        long bigSentMeanwhile = sentOf(big);
        assertThat(bigSentMeanwhile).as("the big clinic's messages sent before the small clinic's 10 were done")
                .isLessThan(500);
        awaitStatus(big, jdbc.sql("select id from message where tenant_id = ? order by created_at desc limit 1")
                .param(big.id()).query(String.class).single(), "SENT");
    }
}
