package io.mailgateway.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.mailgateway.api.ApiException;
import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.api.JsonBodies;
import io.mailgateway.config.GatewayProperties;
import io.mailgateway.crypto.SecretCipher;
import io.mailgateway.message.Addresses;
import io.mailgateway.security.ApiAuth;
import io.mailgateway.security.Caller;
import io.mailgateway.tenant.TenantRepository;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * The operations behind {@code /api/v1/tenants/{tenantId}/mail-settings}. Replies never carry a password or token,
 * not even masked.
 */
@Component("mailSettingsApi")
public class MailSettingsApi {

    static final String PRECEDENCE_WARNING = "SMTP settings take precedence; remove them to send through Gmail";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]");

    private final TenantRepository tenants;
    private final MailSettingsRepository settings;
    private final SmtpVerificationStore verifications;
    private final RouteResolver resolver;
    private final SecretCipher cipher;
    private final JsonBodies json;
    private final GatewayProperties properties;

    public MailSettingsApi(TenantRepository tenants, MailSettingsRepository settings, SmtpVerificationStore verifications,
            RouteResolver resolver, SecretCipher cipher, JsonBodies json, GatewayProperties properties) {
        this.tenants = tenants;
        this.settings = settings;
        this.verifications = verifications;
        this.resolver = resolver;
        this.cipher = cipher;
        this.json = json;
        this.properties = properties;
    }

    public record SmtpSettingsRequest(String host, Integer port, String security, String username, String password,
            String fromAddress) {
        @Override
        public String toString() {
            return "SmtpSettingsRequest[" + host + ":" + port + "]";
        }
    }

    /**
     * The tenant of the path, if the caller may see it (a SENDER only its own; otherwise 404 as if it did not
     * exist). Sets the variable {@code tenantId} for the steps that follow.
     */
    public void tenant(Exchange exchange, @Header("tenantId") String tenantId) {
        Caller caller = ApiAuth.caller(exchange);
        if (tenantId == null || !caller.canSee(tenantId) || tenants.find(tenantId).isEmpty()) {
            throw ApiException.notFound("Tenant");
        }
        exchange.setVariable("tenantId", tenantId);
    }

    public Map<String, Object> view(@Variable("tenantId") String tenantId) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("activeRoute", resolver.resolve(tenantId).name());
        var smtp = settings.findSmtp(tenantId);
        var gmail = settings.findGmail(tenantId);
        view.put("smtp", smtp.map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", s.host());
            m.put("port", s.port());
            m.put("security", s.security().name());
            m.put("username", s.username());
            m.put("fromAddress", s.fromAddress());
            m.put("status", s.status().name());
            m.put("confirmedAt", s.confirmedAt());
            return m;
        }).orElse(null));
        view.put("gmail", gmail.map(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", g.status().name());
            m.put("account", g.accountEmail());
            m.put("connectedAt", g.connectedAt());
            return m;
        }).orElse(null));
        List<String> warnings = new ArrayList<>();
        if (smtp.filter(s -> s.status() == SmtpSettings.Status.ACTIVE).isPresent() && gmail.isPresent()) {
            warnings.add(PRECEDENCE_WARNING);
        }
        if (smtp.filter(s -> s.status() == SmtpSettings.Status.PENDING_CONFIRMATION).isPresent()) {
            warnings.add("SMTP settings are waiting for confirmation: open the link in the test e-mail sent to "
                    + tenants.find(tenantId).orElseThrow().loginEmail() + ". Until then they are not used.");
        }
        if (gmail.filter(g -> g.status() == GmailAccount.Status.NEEDS_REAUTH).isPresent()) {
            warnings.add("Google no longer accepts the clinic's sign-in: sign in with Google again.");
        }
        view.put("warnings", warnings);
        return view;
    }

    /** Validates and stores new SMTP settings as PENDING_CONFIRMATION; the password is encrypted. */
    public void saveSmtp(Exchange exchange, @Variable("tenantId") String tenantId) {
        SmtpSettingsRequest r = json.read(exchange, SmtpSettingsRequest.class);
        List<FieldError> errors = new ArrayList<>();
        if (r.host() == null || r.host().isBlank() || !HOST.matcher(r.host().trim()).matches()) {
            errors.add(new FieldError("host", "required: a host name or IP address"));
        }
        if (r.port() == null || r.port() < 1 || r.port() > 65535) {
            errors.add(new FieldError("port", "required: 1 to 65535 (usually 587 for STARTTLS, 465 for SSL)"));
        }
        SmtpSecurity security = null;
        try {
            security = r.security() == null ? null : SmtpSecurity.valueOf(r.security().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (security == null) {
            errors.add(new FieldError("security", "required: STARTTLS, SSL or NONE"));
        } else if (security == SmtpSecurity.NONE && !properties.smtp().allowInsecure()) {
            errors.add(new FieldError("security", "NONE is not allowed: passwords and patient data would travel "
                    + "unencrypted. Choose STARTTLS (port 587) or SSL (port 465)."));
        }
        if (r.username() == null || r.username().isBlank() || Addresses.hasLineBreak(r.username())) {
            errors.add(new FieldError("username", "required, on one line"));
        }
        if (r.password() == null || r.password().isEmpty()) {
            errors.add(new FieldError("password", "required"));
        } else if (Addresses.hasLineBreak(r.password()) || r.password().length() > 500) {
            errors.add(new FieldError("password", "must be on one line and at most 500 characters"));
        }
        Addresses.checkOne("fromAddress", r.fromAddress(), false, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        String from = r.fromAddress() == null || r.fromAddress().isBlank()
                ? tenants.find(tenantId).orElseThrow().fromAddress() : r.fromAddress().trim();
        settings.saveSmtp(new SmtpSettings(tenantId, r.host().trim(), r.port(), security, r.username().trim(),
                cipher.encrypt(r.password()), from, SmtpSettings.Status.PENDING_CONFIRMATION, null));
        verifications.delete(tenantId);
    }

    /** Before a re-sent test: there must be settings to test. */
    public void requireSmtp(@Variable("tenantId") String tenantId) {
        if (settings.findSmtp(tenantId).isEmpty()) {
            throw new ApiException(404, "not_found", "This tenant has no SMTP settings to test");
        }
    }

    public Map<String, Object> smtpTestReply(@Variable("tenantId") String tenantId, TestResult test) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", settings.findSmtp(tenantId).map(s -> s.status().name()).orElse(null));
        reply.put("test", test);
        return reply;
    }

    /** "Revert to the platform mail server": the settings and the stored password are removed. */
    public void deleteSmtp(@Variable("tenantId") String tenantId) {
        verifications.delete(tenantId);
        settings.deleteSmtp(tenantId);
    }
}
