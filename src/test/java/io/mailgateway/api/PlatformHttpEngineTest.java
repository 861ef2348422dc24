package io.mailgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.mailgateway.support.GatewayTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The API routes run on the request's own thread, not handed to another pool and back. */
class PlatformHttpEngineTest extends GatewayTestSupport {

    @Autowired
    CamelContext camel;

    @Autowired
    PlatformHttpEngine engine;

    @Test
    void aRouteRunsOnTheThreadThatServesTheRequest() throws Exception {
        PlatformHttpEndpoint endpoint = camel.getEndpoint("platform-http:/engine-probe", PlatformHttpEndpoint.class);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        SpringBootPlatformHttpConsumer consumer = (SpringBootPlatformHttpConsumer) engine.createConsumer(endpoint,
                exchange -> {
                    ranOn.set(Thread.currentThread());
                    exchange.getMessage().setBody("ok");
                });
        consumer.start();
        try {
            CompletableFuture<Void> done = consumer.service(new MockHttpServletRequest("GET", "/engine-probe"),
                    new MockHttpServletResponse());
            assertThat(done).isCompleted();
            assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        } finally {
            consumer.stop();
        }
    }
}
