package io.mailgateway.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.ScriptedSmtpServer;
import io.mailgateway.support.ScriptedSmtpServer.Step;
import org.junit.jupiter.api.Test;

/**
 * "Test connection" turns a provider's reply into advice a clinic's administrator can follow. A scripted SMTP
 * server answers with Gmail's real reply lines; the verification route must name the cause in plain words.
 */
class DiagnosisTest extends GatewayTestSupport {

    private JsonNode testWith(String host, int port, String security) {
        TestTenant tenant = newTenant();
        Reply reply = call("PUT", "/api/v1/tenants/" + tenant.id() + "/mail-settings/smtp", tenant.senderKey(), """
                {"host":"%s","port":%d,"security":"%s","username":"reception@gmail.com","password":"%s"}"""
                .formatted(host, port, security, io.mailgateway.support.TestSecrets.WRONG_PASSWORD), Map.of());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text("status")).isEqualTo("PENDING_CONFIRMATION");
        JsonNode test = reply.body().path("test");
        assertThat(test.path("result").asText()).isEqualTo("FAILED");
        return test;
    }

    private JsonNode scripted(Step step, String... reply) throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(step, reply)) {
            return testWith("127.0.0.1", server.port(), "NONE");
        }
    }

    @Test
    void aWrongPasswordSaysToTypeThePasswordAgain() throws Exception {
        JsonNode test = scripted(Step.AUTH,
                "535-5.7.8 Username and Password not accepted. For more information, go to",
                "535 5.7.8  https://support.google.com/mail/?p=BadCredentials a1-20020a05600c");
        assertThat(test.path("category").asText()).isEqualTo("AUTH_FAILED");
        assertThat(test.path("providerReply").asText()).contains("Username and Password not accepted");
        assertThat(test.path("hint").asText()).contains("did not accept the user name and password").contains("Type the password again");
    }

    @Test
    void twoStepVerificationSaysToUseAnAppPassword() throws Exception {
        JsonNode test = scripted(Step.AUTH,
                "534-5.7.9 Application-specific password required. For more information, go to",
                "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor b2-20020a05600c");
        assertThat(test.path("category").asText()).isEqualTo("APP_PASSWORD_REQUIRED");
        assertThat(test.path("hint").asText()).contains("2-step verification is on").contains("app password");
    }

    @Test
    void aBlockedSignInSaysToSignInInABrowserOnce() throws Exception {
        JsonNode test = scripted(Step.AUTH,
                "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1> Please log in via your web browser and",
                "534-5.7.14 then try again.",
                "534 5.7.14  Learn more at https://support.google.com/mail/answer/78754 c3-20020a05600c");
        assertThat(test.path("category").asText()).isEqualTo("WEB_LOGIN_REQUIRED");
        assertThat(test.path("hint").asText()).contains("Sign in to the mailbox in a web browser once");
    }

    @Test
    void aServerThatRequiresEncryptionSaysToChooseStarttlsOrSsl() throws Exception {
        JsonNode test = scripted(Step.MAIL, "530 5.7.0 Must issue a STARTTLS command first. d4-20020a05600c");
        assertThat(test.path("category").asText()).isEqualTo("TLS_REQUIRED");
        assertThat(test.path("hint").asText()).contains("requires an encrypted connection").contains("STARTTLS (usually port 587)");
    }

    @Test
    void sslOnAPlainPortSaysToCheckTheSecurityModeAndPort() {
        JsonNode test = testWith("127.0.0.1", TENANT_SMTP.getSmtp().getPort(), "SSL");
        assertThat(test.path("category").asText()).isEqualTo("TLS_FAILED");
        assertThat(test.path("hint").asText()).contains("Check the security mode and port");
    }

    @Test
    void anUnreachableServerSaysToCheckHostAndPort() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        JsonNode test = testWith("127.0.0.1", closed, "NONE");
        assertThat(test.path("category").asText()).isEqualTo("CONNECTION_FAILED");
        assertThat(test.path("hint").asText()).contains("could not be reached").contains("Check the host name and port");
    }
}
