package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailgateway.settings.SmtpSecurity;
import io.mailgateway.settings.SmtpSettings;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Authenticated SMTP connections are reused, bounded per destination, and a connection the server dropped is not a failure. */
class SmtpConnectionPoolTest extends GatewayTestSupport {

    @Autowired
    SmtpConnectionPool pool;

    @Test
    void manyMessagesToOneServerShareAFewConnections() {
        TestTenant tenant = newTenant();
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, true);
        long openedBefore = pool.opened();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(send(tenant, simpleMessage("patient" + i + "@example.org", "Pooled " + i)));
        }
        for (String id : ids) {
            awaitStatus(tenant, id, "SENT");
        }

        assertThat(received(TENANT_SMTP, tenant)).hasSize(40);
        assertThat(pool.opened() - openedBefore).as("connections opened for 40 messages")
                .isLessThanOrEqualTo(8);
    }

    @Test
    void aConnectionTheServerClosedIsReplacedWithoutFailingTheMessage() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        GreenMailConfiguration users = GreenMailConfiguration.aConfig().withUser(TENANT_SMTP_USER, TestSecrets.SMTP_PASSWORD);
        GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)).withConfiguration(users);
        server.start();
        TestTenant tenant = newTenant();
        settings.saveSmtp(new SmtpSettings(tenant.id(), "127.0.0.1", port, SmtpSecurity.NONE, TENANT_SMTP_USER,
                cipher.encrypt(TestSecrets.SMTP_PASSWORD), tenant.fromAddress(), SmtpSettings.Status.ACTIVE, Instant.now()));
        try {
            awaitStatus(tenant, send(tenant, simpleMessage("a@example.org", "Before the restart")), "SENT");

            // the server restarts: every connection the pool holds to it is gone
            server.stop();
            server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)).withConfiguration(users);
            server.start();

            var after = awaitStatus(tenant, send(tenant, simpleMessage("b@example.org", "After the restart")), "SENT");
            assertThat(after.path("attempts").asInt()).as("not even a retry: the stale connection was replaced").isEqualTo(1);
            assertThat(server.getReceivedMessages()).hasSize(1);
            assertThat(server.getReceivedMessages()[0].getSubject()).isEqualTo("After the restart");
        } finally {
            server.stop();
        }
    }
}
