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
        return choose(settings.findSmtp(tenantId).map(s -> s.status().name()).orElse(null),
                settings.findGmail(tenantId).isPresent());
    }

    /**
     * The rule itself, from what was read: the status of the tenant's SMTP settings (null: none) and whether it
     * has a Gmail account.
     */
    public static RouteChoice choose(String smtpStatus, boolean gmailAccount) {
        if (SmtpSettings.Status.ACTIVE.name().equals(smtpStatus)) {
            return RouteChoice.SMTP;
        }
        return gmailAccount ? RouteChoice.GMAIL : RouteChoice.PLATFORM;
    }
}
