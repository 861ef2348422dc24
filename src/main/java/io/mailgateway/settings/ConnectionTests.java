package io.mailgateway.settings;

import java.util.List;
import java.util.UUID;

import com.google.api.services.gmail.model.Message;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.crypto.SecretCipher;
import io.mailgateway.delivery.GatewayMimeMessage;
import io.mailgateway.delivery.MimeMessageFactory;
import io.mailgateway.delivery.SmtpServer;
import io.mailgateway.delivery.SmtpSessions;
import io.mailgateway.delivery.gmail.GmailComponents;
import io.mailgateway.failure.DeliveryFailedException;
import io.mailgateway.failure.Failure;
import io.mailgateway.failure.FailureCategory;
import io.mailgateway.failure.FailureClassifier;
import io.mailgateway.message.SendRequest;
import io.mailgateway.tenant.Tenant;
import io.mailgateway.tenant.TenantRepository;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The beans of the verification routes (routes/verification.camel.yaml): build a test e-mail for exactly the
 * settings under test, and turn the outcome into a {@link TestResult} with a plain diagnosis.
 */
@Component("connectionTests")
public class ConnectionTests {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionTests.class);

    private final TenantRepository tenants;
    private final MailSettingsRepository settings;
    private final SmtpVerificationStore verifications;
    private final SecretCipher cipher;
    private final SmtpSessions sessions;
    private final MimeMessageFactory mimeFactory;
    private final GmailComponents gmailComponents;
    private final FailureClassifier classifier;
    private final GatewayProperties properties;

    public ConnectionTests(TenantRepository tenants, MailSettingsRepository settings, SmtpVerificationStore verifications,
            SecretCipher cipher, SmtpSessions sessions, MimeMessageFactory mimeFactory, GmailComponents gmailComponents,
            FailureClassifier classifier, GatewayProperties properties) {
        this.tenants = tenants;
        this.settings = settings;
        this.verifications = verifications;
        this.cipher = cipher;
        this.sessions = sessions;
        this.mimeFactory = mimeFactory;
        this.gmailComponents = gmailComponents;
        this.classifier = classifier;
        this.properties = properties;
    }

    /** The SMTP test e-mail with a new one-time confirmation link, through the tenant's saved (pending) settings. */
    public GatewayMimeMessage smtpTest(@Variable("tenantId") String tenantId) throws MessagingException {
        Tenant tenant = tenants.find(tenantId).orElseThrow();
        SmtpSettings smtp = settings.findSmtp(tenantId).orElseThrow(() -> new DeliveryFailedException(
                Failure.of(FailureCategory.UNKNOWN, "no SMTP settings saved")));
        String token = verifications.issue(tenantId, properties.verification().tokenTtl());
        String link = withoutSlash(properties.verification().publicBaseUrl()) + "/verify/" + token;
        String product = properties.productName();
        String text = """
                This is a test e-mail from %s, sent through the SMTP server %s:%d with the user name %s.

                Did it arrive? Then confirm it, and your clinic's mail will be sent through this server:
                %s

                Until you confirm, your mail keeps going out the way it did before. The link is valid for %d days.
                """.formatted(product, smtp.host(), smtp.port(), smtp.username(), link,
                properties.verification().tokenTtl().toDays());
        String html = """
                <p>This is a test e-mail from %s, sent through the SMTP server <b>%s:%d</b> with the user name <b>%s</b>.</p>
                <p>Did it arrive? Then confirm it, and your clinic's mail will be sent through this server:</p>
                <p><a href="%s">Yes, I received this test e-mail</a></p>
                <p>Until you confirm, your mail keeps going out the way it did before.</p>
                """.formatted(HtmlUtils.htmlEscape(product), HtmlUtils.htmlEscape(smtp.host()), smtp.port(),
                HtmlUtils.htmlEscape(String.valueOf(smtp.username())), HtmlUtils.htmlEscape(link));
        String from = smtp.fromAddress() != null ? smtp.fromAddress() : tenant.fromAddress();
        SendRequest request = new SendRequest(List.of(tenant.loginEmail()), null, null, null, from,
                "SMTP Test Connection from " + product, text, html, null, null);
        SmtpServer server = new SmtpServer(smtp.host(), smtp.port(), smtp.security(), smtp.username(),
                cipher.decrypt(smtp.passwordEnc()));
        return mimeFactory.build(sessions.sessionFor(server), request, testMessageId(from));
    }

    /** The Gmail test e-mail: from the connected account to the tenant's login address. */
    public Message gmailTest(Exchange exchange, @Variable("tenantId") String tenantId) throws MessagingException {
        Tenant tenant = tenants.find(tenantId).orElseThrow();
        GmailAccount account = settings.findGmail(tenantId).orElseThrow(() -> new DeliveryFailedException(
                Failure.of(FailureCategory.REAUTH_REQUIRED, "no Gmail account is connected")));
        if (account.status() != GmailAccount.Status.CONNECTED) {
            throw new DeliveryFailedException(Failure.of(FailureCategory.REAUTH_REQUIRED,
                    "Google refused the clinic's sign-in earlier (invalid_grant)"));
        }
        String product = properties.productName();
        SendRequest request = new SendRequest(List.of(tenant.loginEmail()), null, null, null, account.accountEmail(),
                "Gmail Test Connection from " + product,
                "This is a test e-mail from " + product + ", sent through the Gmail account " + account.accountEmail()
                        + ". It arrived, so your clinic's mail can be sent through Gmail.",
                null, null, null);
        exchange.setVariable("gmailComponent", gmailComponents.componentFor(account));
        GatewayMimeMessage mime = mimeFactory.build(Session.getInstance(new java.util.Properties()), request,
                testMessageId(account.accountEmail()));
        return new Message().setRaw(MimeMessageFactory.gmailRaw(mime));
    }

    public TestResult sent(@Variable("tenantId") String tenantId, @Variable("testRoute") String route) {
        LOG.info("Test e-mail of tenant {} via {} SENT", tenantId, route);
        return TestResult.sent();
    }

    /** The diagnosis. A refused Google grant also marks the account NEEDS_REAUTH, as a real send would. */
    public TestResult failed(Exchange exchange, @Variable("tenantId") String tenantId, @Variable("testRoute") String route) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Failure failure = classifier.classify(error);
        if ("GMAIL".equals(route) && failure.category() == FailureCategory.REAUTH_REQUIRED) {
            settings.markGmailNeedsReauth(tenantId);
        }
        if ("SMTP".equals(route)) {
            // the e-mail with the link did not go out: no link may confirm these settings
            verifications.delete(tenantId);
        }
        LOG.info("Test e-mail of tenant {} via {} FAILED: {} ({})", tenantId, route, failure.category(),
                failure.providerReply());
        return TestResult.failed(failure);
    }

    /** A Message-ID in the sender's domain, as the gateway's own messages have. */
    private static String testMessageId(String from) {
        String domain = from.substring(from.lastIndexOf('@') + 1).replace(">", "").trim();
        return "<test-" + UUID.randomUUID() + "@" + domain + ">";
    }

    private static String withoutSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
