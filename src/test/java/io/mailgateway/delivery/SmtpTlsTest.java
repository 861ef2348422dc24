package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailgateway.settings.SmtpSecurity;
import io.mailgateway.settings.SmtpSettings;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import io.mailgateway.support.TestTls;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encrypted SMTP with certificate checks: implicit TLS against GreenMail's SMTPS serving a certificate for
 * "localhost" that only the operator's trust store knows; STARTTLS required against a server that does not offer it.
 */
class SmtpTlsTest extends GatewayTestSupport {

    private static GreenMail smtps;

    @BeforeAll
    static void startSmtps() {
        TestTls.init();
        smtps = new GreenMail(new ServerSetup(0, "localhost", ServerSetup.PROTOCOL_SMTPS).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(TENANT_SMTP_USER, TestSecrets.SMTP_PASSWORD));
        smtps.start();
    }

    @AfterAll
    static void stopSmtps() {
        smtps.stop();
    }

    @BeforeEach
    void greenMailsHandshakeErrorsAreExpectedHere() {
        // a refused handshake makes GreenMail's connection thread throw; that is the point of these tests
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    @AfterEach
    void resetAwaitility() {
        Awaitility.reset();
    }

    private void useServer(TestTenant tenant, String host, int port, SmtpSecurity security) {
        settings.saveSmtp(new SmtpSettings(tenant.id(), host, port, security, TENANT_SMTP_USER,
                cipher.encrypt(TestSecrets.SMTP_PASSWORD), tenant.fromAddress(), SmtpSettings.Status.ACTIVE, Instant.now()));
    }

    @Test
    void implicitTlsToAServerTrustedByTheOperatorsTrustStoreIsSent() throws Exception {
        TestTenant tenant = newTenant();
        useServer(tenant, "localhost", smtps.getSmtps().getPort(), SmtpSecurity.SSL);

        String id = send(tenant, simpleMessage("patient@example.org", "Over TLS"));

        assertThat(awaitStatus(tenant, id, "SENT").path("route").asText()).isEqualTo("SMTP");
        assertThat(received(smtps, tenant)).hasSize(1);
        assertThat(received(smtps, tenant)[0].getSubject()).isEqualTo("Over TLS");
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedAndNotRetried() {
        TestTenant tenant = newTenant();
        // same server and certificate, but reached as 127.0.0.1: the certificate names only "localhost"
        useServer(tenant, "127.0.0.1", smtps.getSmtps().getPort(), SmtpSecurity.SSL);

        String id = send(tenant, simpleMessage("patient@example.org", "Wrong host"));

        var status = awaitStatus(tenant, id, "DEAD_LETTERED");
        assertThat(status.path("lastError").path("category").asText()).isEqualTo("TLS_FAILED");
        assertThat(status.path("attempts").asInt()).isEqualTo(1);
        assertThat(status.path("lastError").path("hint").asText()).contains("certificate");
    }

    @Test
    void starttlsIsRequiredNotOpportunisticSoAServerWithoutItGetsNothingInClear() {
        TestTenant tenant = newTenant();
        // the plain GreenMail server offers no STARTTLS
        useServer(tenant, "127.0.0.1", TENANT_SMTP.getSmtp().getPort(), SmtpSecurity.STARTTLS);

        String id = send(tenant, simpleMessage("patient@example.org", "Must be encrypted"));

        var status = awaitStatus(tenant, id, "DEAD_LETTERED");
        assertThat(status.path("lastError").path("category").asText()).isEqualTo("TLS_FAILED");
        assertThat(status.path("lastError").path("providerReply").asText()).contains("STARTTLS");
        assertThat(received(TENANT_SMTP, tenant)).as("nothing was sent unencrypted").isEmpty();
    }
}
