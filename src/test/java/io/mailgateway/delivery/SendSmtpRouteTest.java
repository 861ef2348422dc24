package io.mailgateway.delivery;

import java.net.ServerSocket;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailgateway.settings.SmtpSecurity;
import io.mailgateway.settings.SmtpSettings;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** routes/send-smtp.camel.yaml: the tenant's own SMTP server (GreenMail with AUTH), its failures and retries. */
class SendSmtpRouteTest extends GatewayTestSupport {

    @Test
    void confirmedSettingsCarryTheTenantsMailToItsOwnServer() throws Exception {
        TestTenant tenant = newTenant();
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, true);

        String id = send(tenant, MimeAssertions.fullMessage());

        var status = awaitStatus(tenant, id, "SENT");
        assertThat(status.path("route").asText()).isEqualTo("SMTP");
        await().until(() -> received(TENANT_SMTP, tenant).length == 3);
        MimeAssertions.assertFullMessage(received(TENANT_SMTP, tenant)[0], tenant.fromAddress(),
                "<" + id + "@" + tenant.id() + ".example>");
        assertThat(received(RELAY, tenant)).isEmpty();
    }

    @Test
    void unconfirmedSettingsAreIgnoredAndTheRelayIsUsed() {
        TestTenant tenant = newTenant();
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, false);

        String id = send(tenant, simpleMessage("patient@example.org", "Not yet confirmed"));

        assertThat(awaitStatus(tenant, id, "SENT").path("route").asText()).isEqualTo("PLATFORM");
        assertThat(received(RELAY, tenant)).hasSize(1);
        assertThat(received(TENANT_SMTP, tenant)).isEmpty();
    }

    @Test
    void aWrongPasswordIsDeadLetteredAsAuthFailedWithoutRetry() {
        TestTenant tenant = newTenant();
        tenantSmtp(tenant, TestSecrets.WRONG_PASSWORD, true);

        String id = send(tenant, simpleMessage("patient@example.org", "Wrong password"));

        var status = awaitStatus(tenant, id, "DEAD_LETTERED");
        assertThat(status.path("attempts").asInt()).as("no retry of a permanent failure").isEqualTo(1);
        assertThat(status.path("lastError").path("category").asText()).isEqualTo("AUTH_FAILED");
        assertThat(status.path("lastError").path("providerReply").asText()).startsWith("535");
        assertThat(status.path("lastError").path("hint").asText()).contains("password");
        Reply deadLetters = get("/api/v1/dead-letters?tenant=" + tenant.id(), TestSecrets.ADMIN_KEY);
        assertThat(deadLetters.body().path("total").asInt()).isEqualTo(1);
        var deadLetter = deadLetters.body().path("items").get(0);
        assertThat(deadLetter.path("messageId").asText()).isEqualTo(id);
        assertThat(deadLetter.path("category").asText()).isEqualTo("AUTH_FAILED");
        assertThat(deadLetter.path("route").asText()).isEqualTo("SMTP");
        assertThat(deadLetter.path("attempts").asInt()).isEqualTo(1);
        assertThat(received(TENANT_SMTP, tenant)).isEmpty();
        assertThat(received(RELAY, tenant)).as("never silently through another route").isEmpty();
    }

    @Test
    void aServerThatIsDownThenUpIsRetriedUntilSent() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        GreenMail flaky = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(TENANT_SMTP_USER, TestSecrets.SMTP_PASSWORD));
        TestTenant tenant = newTenant();
        settings.saveSmtp(new SmtpSettings(tenant.id(), "127.0.0.1", port, SmtpSecurity.NONE, TENANT_SMTP_USER,
                cipher.encrypt(TestSecrets.SMTP_PASSWORD), tenant.fromAddress(), SmtpSettings.Status.ACTIVE,
                java.time.Instant.now()));
        try {
            String id = send(tenant, simpleMessage("patient@example.org", "Server was down"));

            var retrying = awaitStatus(tenant, id, "RETRYING");
            assertThat(retrying.path("lastError").path("category").asText()).isEqualTo("CONNECTION_FAILED");
            flaky.start();

            var sent = awaitStatus(tenant, id, "SENT");
            assertThat(sent.path("attempts").asInt()).isGreaterThan(1);
            assertThat(flaky.getReceivedMessages()).hasSize(1);
            assertThat(flaky.getReceivedMessages()[0].getSubject()).isEqualTo("Server was down");
        } finally {
            flaky.stop();
        }
    }
}
