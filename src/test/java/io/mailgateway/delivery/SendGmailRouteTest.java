package io.mailgateway.delivery;

import java.util.Map;
import java.util.UUID;

import io.mailgateway.settings.GmailAccount;
import io.mailgateway.support.FakeGoogle;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * routes/send-gmail.camel.yaml through the real camel-google-mail component, against the local fake of Google's
 * token endpoint and Gmail API. Also the precedence of routes/dispatch.camel.yaml.
 */
class SendGmailRouteTest extends GatewayTestSupport {

    private static String refreshToken() {
        return TestSecrets.REFRESH_TOKEN_PREFIX + UUID.randomUUID();
    }

    @Test
    void aFullMessageGoesOutAsRawMimeThroughTheGmailApi() throws Exception {
        TestTenant tenant = newTenant();
        String refresh = refreshToken();
        tenantGmail(tenant, refresh);

        String id = send(tenant, MimeAssertions.fullMessage());

        var status = awaitStatus(tenant, id, "SENT");
        assertThat(status.path("route").asText()).isEqualTo("GMAIL");
        assertThat(GOOGLE.sent()).hasSize(1);
        FakeGoogle.SentMail mail = GOOGLE.sent().get(0);
        assertThat(status.path("providerMessageId").asText()).startsWith("18c0fake");
        MimeAssertions.assertFullMessage(mail.mime(), tenant.fromAddress(), "<" + id + "@" + tenant.id() + ".example>");
        assertThat(mail.mime().getHeader("Bcc")[0]).as("Gmail delivers Bcc from the raw message")
                .isEqualTo("archive@clinic.example");

        Map<String, String> tokenRequest = GOOGLE.tokenRequests().get(0);
        assertThat(tokenRequest).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", refresh)
                .containsEntry("client_id", "test-client.apps.googleusercontent.com")
                .containsEntry("client_secret", TestSecrets.GOOGLE_CLIENT_SECRET);
        assertThat(received(RELAY, tenant)).isEmpty();
    }

    @Test
    void eachTenantSendsWithItsOwnGrant() {
        TestTenant first = newTenant();
        TestTenant second = newTenant();
        String firstToken = refreshToken();
        String secondToken = refreshToken();
        tenantGmail(first, firstToken);
        tenantGmail(second, secondToken);

        String a = send(first, simpleMessage("a@example.org", "From the first clinic"));
        awaitStatus(first, a, "SENT");
        String b = send(second, simpleMessage("b@example.org", "From the second clinic"));
        awaitStatus(second, b, "SENT");

        assertThat(GOOGLE.sent()).hasSize(2);
        for (FakeGoogle.SentMail mail : GOOGLE.sent()) {
            String subject = subject(mail);
            String expected = subject.contains("first") ? firstToken : secondToken;
            assertThat(GOOGLE.refreshTokenOf(mail.accessToken())).as(subject).isEqualTo(expected);
        }
    }

    @Test
    void confirmedSmtpTakesPrecedenceOverGmail() {
        TestTenant tenant = newTenant();
        tenantGmail(tenant, refreshToken());
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, true);

        String id = send(tenant, simpleMessage("patient@example.org", "SMTP wins"));

        assertThat(awaitStatus(tenant, id, "SENT").path("route").asText()).isEqualTo("SMTP");
        assertThat(received(TENANT_SMTP, tenant)).hasSize(1);
        assertThat(GOOGLE.sendCalls()).isZero();
    }

    @Test
    void unconfirmedSmtpDoesNotTakePrecedenceOverGmail() {
        TestTenant tenant = newTenant();
        tenantGmail(tenant, refreshToken());
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, false);

        String id = send(tenant, simpleMessage("patient@example.org", "Gmail, SMTP unconfirmed"));

        assertThat(awaitStatus(tenant, id, "SENT").path("route").asText()).isEqualTo("GMAIL");
        assertThat(GOOGLE.sent()).hasSize(1);
        assertThat(received(TENANT_SMTP, tenant)).isEmpty();
    }

    @Test
    void gmail429IsRetriedUntilSent() {
        TestTenant tenant = newTenant();
        tenantGmail(tenant, refreshToken());
        GOOGLE.rateLimitNextSends(2);

        String id = send(tenant, simpleMessage("patient@example.org", "Rate limited"));

        var retrying = awaitStatus(tenant, id, "RETRYING");
        assertThat(retrying.path("lastError").path("category").asText()).isEqualTo("RATE_LIMITED");
        assertThat(retrying.path("lastError").path("providerReply").asText()).contains("429", "rateLimitExceeded");
        var sent = awaitStatus(tenant, id, "SENT");
        assertThat(sent.path("attempts").asInt()).isEqualTo(3);
        assertThat(GOOGLE.sendCalls()).isEqualTo(3);
        assertThat(GOOGLE.sent()).hasSize(1);
    }

    @Test
    void invalidGrantDeadLettersAsReauthRequiredAndMarksTheAccount() {
        TestTenant tenant = newTenant();
        String refresh = refreshToken();
        tenantGmail(tenant, refresh);
        GOOGLE.revoke(refresh);

        String id = send(tenant, simpleMessage("patient@example.org", "Grant revoked"));

        var status = awaitStatus(tenant, id, "DEAD_LETTERED");
        assertThat(status.path("attempts").asInt()).isEqualTo(1);
        assertThat(status.path("lastError").path("category").asText()).isEqualTo("REAUTH_REQUIRED");
        assertThat(status.path("lastError").path("providerReply").asText()).contains("invalid_grant");
        assertThat(status.path("lastError").path("hint").asText()).contains("Sign in with Google again");
        assertThat(settings.findGmail(tenant.id()).orElseThrow().status()).isEqualTo(GmailAccount.Status.NEEDS_REAUTH);
        assertThat(GOOGLE.sendCalls()).isZero();

        // later mail of this clinic dead-letters at once, without asking Google or leaving through the relay
        int tokenCalls = GOOGLE.tokenRequests().size();
        String next = send(tenant, simpleMessage("patient@example.org", "After the revocation"));
        assertThat(awaitStatus(tenant, next, "DEAD_LETTERED").path("lastError").path("category").asText())
                .isEqualTo("REAUTH_REQUIRED");
        assertThat(GOOGLE.tokenRequests()).hasSize(tokenCalls);
        assertThat(received(RELAY, tenant)).isEmpty();
    }

    private static String subject(FakeGoogle.SentMail mail) {
        try {
            return mail.mime().getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
