package io.mailgateway.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

/** A clinic connects its own SMTP server: save → test e-mail → "Yes, I received it" → its mail goes that way. */
class SmtpSettingsTest extends GatewayTestSupport {

    private static final Pattern LINK = Pattern.compile("https://gateway\\.example(/verify/[A-Za-z0-9_-]+)");

    private String smtpBody(String password) {
        return """
                {"host":"127.0.0.1","port":%d,"security":"NONE","username":"%s","password":"%s","fromAddress":"reception@%s"}"""
                .formatted(TENANT_SMTP.getSmtp().getPort(), TENANT_SMTP_USER, password, "clinic.example");
    }

    private Reply putSmtp(TestTenant tenant, String body) {
        return call("PUT", "/api/v1/tenants/" + tenant.id() + "/mail-settings/smtp", tenant.senderKey(), body, Map.of());
    }

    private Reply settingsOf(TestTenant tenant) {
        return get("/api/v1/tenants/" + tenant.id() + "/mail-settings", tenant.senderKey());
    }

    /** The confirmation link's path, from the test e-mail that arrived at the clinic's login address. */
    private String linkIn(MimeMessage testMail) throws Exception {
        String text = testMail.getContent() instanceof MimeMultipart multipart
                ? (String) multipart.getBodyPart(0).getContent() : (String) testMail.getContent();
        Matcher m = LINK.matcher(text);
        assertThat(m.find()).as("the test e-mail carries the confirmation link").isTrue();
        return m.group(1);
    }

    private Reply page(String method, String path) {
        return call(method, path, null, null, Map.of());
    }

    @Test
    void savingRunsATestThroughExactlyTheseSettingsAndConfirmingActivatesThem() throws Exception {
        TestTenant tenant = newTenant();

        Reply saved = putSmtp(tenant, smtpBody(TestSecrets.SMTP_PASSWORD));

        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.text("status")).isEqualTo("PENDING_CONFIRMATION");
        assertThat(saved.body().path("test").path("result").asText()).isEqualTo("SENT");
        assertThat(saved.raw()).doesNotContain(TestSecrets.SMTP_PASSWORD);
        MimeMessage testMail = await().until(() -> received(TENANT_SMTP, new TestTenant(tenant.id(), null, null, "reception@clinic.example")),
                m -> m.length == 1)[0];
        assertThat(testMail.getAllRecipients()[0].toString()).isEqualTo(tenant.loginEmail());
        assertThat(testMail.getSubject()).isEqualTo("SMTP Test Connection from Mail Gateway");

        // not confirmed yet: the clinic's mail still goes through the platform relay
        JsonNode pending = settingsOf(tenant).body();
        assertThat(pending.path("activeRoute").asText()).isEqualTo("PLATFORM");
        assertThat(pending.path("smtp").path("status").asText()).isEqualTo("PENDING_CONFIRMATION");
        assertThat(pending.path("smtp").has("password")).isFalse();
        String before = send(tenant, simpleMessage("patient@example.org", "Before confirmation"));
        assertThat(awaitStatus(tenant, before, "SENT").path("route").asText()).isEqualTo("PLATFORM");

        String link = linkIn(testMail);
        Reply question = page("GET", link);
        assertThat(question.status()).isEqualTo(200);
        assertThat(question.raw()).contains("Did you receive this test e-mail?").contains("<form method=\"post\"");
        assertThat(question.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        Reply yes = page("POST", link);
        assertThat(yes.status()).isEqualTo(200);
        assertThat(yes.raw()).contains("Confirmed");

        JsonNode active = settingsOf(tenant).body();
        assertThat(active.path("activeRoute").asText()).isEqualTo("SMTP");
        assertThat(active.path("smtp").path("status").asText()).isEqualTo("ACTIVE");
        assertThat(active.path("smtp").path("confirmedAt").asText()).isNotBlank();
        String after = send(tenant, simpleMessage("patient@example.org", "After confirmation"));
        assertThat(awaitStatus(tenant, after, "SENT").path("route").asText()).isEqualTo("SMTP");

        assertThat(page("POST", link).status()).as("a used link").isEqualTo(410);
        assertThat(page("GET", link).raw()).contains("Already confirmed");
    }

    @Test
    void savingNewSettingsResetsConfirmationAndANewTestReplacesTheOldLink() throws Exception {
        TestTenant tenant = newTenant();
        putSmtp(tenant, smtpBody(TestSecrets.SMTP_PASSWORD));
        TestTenant mail = new TestTenant(tenant.id(), null, null, "reception@clinic.example");
        String first = linkIn(await().until(() -> received(TENANT_SMTP, mail), m -> m.length == 1)[0]);

        Reply again = post("/api/v1/tenants/" + tenant.id() + "/mail-settings/smtp/test", tenant.senderKey(), null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("test").path("result").asText()).isEqualTo("SENT");
        String second = linkIn(await().until(() -> received(TENANT_SMTP, mail), m -> m.length == 2)[1]);
        assertThat(second).isNotEqualTo(first);

        Reply old = page("POST", first);
        assertThat(old.status()).isEqualTo(404);
        assertThat(old.raw()).contains("This link is not valid").doesNotContain("Exception");
        assertThat(page("POST", second).status()).isEqualTo(200);
        assertThat(settingsOf(tenant).body().path("smtp").path("status").asText()).isEqualTo("ACTIVE");

        // changing the settings needs a new confirmation
        putSmtp(tenant, smtpBody(TestSecrets.SMTP_PASSWORD));
        assertThat(settingsOf(tenant).body().path("smtp").path("status").asText()).isEqualTo("PENDING_CONFIRMATION");
        assertThat(settingsOf(tenant).body().path("activeRoute").asText()).isEqualTo("PLATFORM");
    }

    @Test
    void anExpiredLinkGetsAClearPage() throws Exception {
        TestTenant tenant = newTenant();
        putSmtp(tenant, smtpBody(TestSecrets.SMTP_PASSWORD));
        TestTenant mail = new TestTenant(tenant.id(), null, null, "reception@clinic.example");
        String link = linkIn(await().until(() -> received(TENANT_SMTP, mail), m -> m.length == 1)[0]);
        jdbc.sql("update smtp_verification set expires_at = ? where tenant_id = ?")
                .params(Timestamp.from(Instant.now().minusSeconds(1)), tenant.id()).update();

        Reply expired = page("POST", link);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.raw()).contains("This link has expired");
        assertThat(settingsOf(tenant).body().path("smtp").path("status").asText()).isEqualTo("PENDING_CONFIRMATION");
        assertThat(page("GET", "/verify/not-a-real-token").status()).isEqualTo(404);
    }

    @Test
    void aFailedTestAnswersAtOnceWithTheDiagnosisAndStaysUnconfirmed() {
        TestTenant tenant = newTenant();

        Reply saved = putSmtp(tenant, smtpBody(TestSecrets.WRONG_PASSWORD));

        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.text("status")).isEqualTo("PENDING_CONFIRMATION");
        JsonNode test = saved.body().path("test");
        assertThat(test.path("result").asText()).isEqualTo("FAILED");
        assertThat(test.path("category").asText()).isEqualTo("AUTH_FAILED");
        assertThat(test.path("providerReply").asText()).startsWith("535");
        assertThat(test.path("hint").asText()).contains("password");
        assertThat(saved.raw()).doesNotContain(TestSecrets.WRONG_PASSWORD);
        assertThat(jdbc.sql("select count(*) from smtp_verification where tenant_id = ?").param(tenant.id())
                .query(Long.class).single()).as("no link was sent").isZero();
    }

    @Test
    void revertingRemovesTheSettingsAndThePasswordAndFallsBackToGmailOrTheRelay() {
        TestTenant tenant = newTenant();
        tenantSmtp(tenant, TestSecrets.SMTP_PASSWORD, true);
        tenantGmail(tenant, TestSecrets.REFRESH_TOKEN_PREFIX + "revert");
        JsonNode both = settingsOf(tenant).body();
        assertThat(both.path("activeRoute").asText()).isEqualTo("SMTP");
        assertThat(both.path("warnings").toString()).contains("SMTP settings take precedence; remove them to send through Gmail");

        Reply reverted = call("DELETE", "/api/v1/tenants/" + tenant.id() + "/mail-settings/smtp", tenant.senderKey(), null, Map.of());
        assertThat(reverted.status()).isEqualTo(204);
        assertThat(jdbc.sql("select count(*) from smtp_settings where tenant_id = ?").param(tenant.id()).query(Long.class).single()).isZero();
        JsonNode gmailOnly = settingsOf(tenant).body();
        assertThat(gmailOnly.path("activeRoute").asText()).isEqualTo("GMAIL");
        assertThat(gmailOnly.path("smtp").isNull()).isTrue();
        assertThat(gmailOnly.path("warnings")).isEmpty();

        settings.deleteGmail(tenant.id());
        assertThat(settingsOf(tenant).body().path("activeRoute").asText()).isEqualTo("PLATFORM");
    }

    @Test
    void badSettingsGet400WithEveryFieldAndNothingIsStored() {
        TestTenant tenant = newTenant();
        Reply bad = putSmtp(tenant, """
                {"host":"smtp.example.org\\r\\nX: y","port":70000,"security":"TLS","username":"","password":"","fromAddress":"nope"}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("details").findValuesAsText("field"))
                .contains("host", "port", "security", "username", "password", "fromAddress");
        assertThat(settingsOf(tenant).body().path("smtp").isNull()).isTrue();
    }

    @Test
    void anotherTenantsSettingsAre404AndASupportKeyIs403() {
        TestTenant mine = newTenant();
        TestTenant theirs = newTenant();
        assertThat(get("/api/v1/tenants/" + theirs.id() + "/mail-settings", mine.senderKey()).status()).isEqualTo(404);
        assertThat(call("PUT", "/api/v1/tenants/" + theirs.id() + "/mail-settings/smtp", mine.senderKey(),
                smtpBody("x"), Map.of()).status()).isEqualTo(404);
        assertThat(get("/api/v1/tenants/" + mine.id() + "/mail-settings", newKey(mine.id(), "SUPPORT")).status()).isEqualTo(403);
        assertThat(get("/api/v1/tenants/" + mine.id() + "/mail-settings", TestSecrets.ADMIN_KEY).status()).isEqualTo(200);
    }
}
