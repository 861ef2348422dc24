package io.mailgateway.settings;

import io.mailgateway.config.GatewayProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The small pages behind the link in an SMTP test e-mail: {@code GET /verify/{token}} asks "Did you receive this
 * test e-mail?", {@code POST} confirms. Every outcome is a readable page, never a stack trace.
 */
@Component("verificationPages")
public class VerificationPages {

    private static final Logger LOG = LoggerFactory.getLogger(VerificationPages.class);

    private final SmtpVerificationStore verifications;
    private final MailSettingsRepository settings;
    private final GatewayProperties properties;

    public VerificationPages(SmtpVerificationStore verifications, MailSettingsRepository settings,
            GatewayProperties properties) {
        this.verifications = verifications;
        this.settings = settings;
        this.properties = properties;
    }

    public String ask(Exchange exchange, @Header("token") String token) {
        var row = verifications.find(token);
        if (row.isEmpty()) {
            return page(exchange, 404, "This link is not valid",
                    "It may have been replaced by a newer test e-mail. Use the link in the newest one, or send a new "
                            + "test from the mail settings.", null);
        }
        if (row.get().usedAt() != null) {
            return page(exchange, 410, "Already confirmed", "This test e-mail was confirmed already. Nothing more to do.", null);
        }
        if (row.get().expiresAt().isBefore(java.time.Instant.now())) {
            return page(exchange, 410, "This link has expired",
                    "Send a new test e-mail from the mail settings and confirm it within "
                            + properties.verification().tokenTtl().toDays() + " days.", null);
        }
        String server = settings.findSmtp(row.get().tenantId()).map(s -> s.host() + ":" + s.port()).orElse("?");
        String form = "<form method=\"post\"><button type=\"submit\">Yes, I received it</button></form>";
        return page(exchange, 200, "Did you receive this test e-mail?",
                "If the test e-mail arrived, confirm it and your clinic's mail will be sent through " + server + ".", form);
    }

    public String confirm(Exchange exchange, @Header("token") String token) {
        SmtpVerificationStore.Outcome outcome = verifications.confirm(token);
        LOG.info("SMTP test e-mail confirmation: {}", outcome);
        return switch (outcome) {
            case CONFIRMED -> page(exchange, 200, "Confirmed",
                    "Thank you. From now on your clinic's mail is sent through your own mail server.", null);
            case USED -> page(exchange, 410, "Already confirmed", "This test e-mail was confirmed already. Nothing more to do.", null);
            case EXPIRED -> page(exchange, 410, "This link has expired",
                    "Send a new test e-mail from the mail settings and confirm it in time.", null);
            case SETTINGS_CHANGED -> page(exchange, 409, "The settings have changed",
                    "The SMTP settings were changed or removed after this test. Confirm the newest test e-mail instead.", null);
            case UNKNOWN -> page(exchange, 404, "This link is not valid",
                    "It may have been replaced by a newer test e-mail. Use the link in the newest one.", null);
        };
    }

    private String page(Exchange exchange, int status, String title, String text, String form) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        String product = HtmlUtils.htmlEscape(properties.productName());
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s – %s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d2733}
                button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#1f6feb;color:#fff;cursor:pointer}</style>
                </head><body><h1>%s</h1><p>%s</p>%s<p><small>%s</small></p></body></html>
                """.formatted(HtmlUtils.htmlEscape(title), product, HtmlUtils.htmlEscape(title), HtmlUtils.htmlEscape(text),
                form == null ? "" : form, product);
    }
}
