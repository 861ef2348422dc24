package io.mailgateway.settings;

import org.springframework.stereotype.Component;

/**
 * The precedence of DESIGN.md: confirmed SMTP, then a Gmail account (even one that needs a new sign-in, so its
 * mail dead-letters with that hint instead of leaving through another sender), then the platform relay.
 */
@Component("routeResolver")
public class RouteResolver {

    private final MailSettingsRepository settings;

    public RouteResolver(MailSettingsRepository settings) {
        this.settings = settings;
    }

    public RouteChoice resolve(String tenantId) {
        boolean smtpConfirmed = settings.findSmtp(tenantId)
                .filter(s -> s.status() == SmtpSettings.Status.ACTIVE).isPresent();
        if (smtpConfirmed) {
            return RouteChoice.SMTP;
        }
        if (settings.findGmail(tenantId).isPresent()) {
            return RouteChoice.GMAIL;
        }
        return RouteChoice.PLATFORM;
    }
}
