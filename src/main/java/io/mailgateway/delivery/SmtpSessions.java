package io.mailgateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.settings.SmtpSecurity;
import jakarta.mail.Authenticator;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import org.springframework.stereotype.Component;

/**
 * Makes the Jakarta Mail session for one SMTP server: TLS mode, certificate and host-name checks, the operator's
 * trust store, and connect/read/write timeouts. Credentials go into an Authenticator, never into a URI.
 */
@Component
public class SmtpSessions {

    private final GatewayProperties.Smtp config;
    private final SSLSocketFactory trustStoreFactory;

    public SmtpSessions(GatewayProperties properties) {
        this.config = properties.smtp();
        this.trustStoreFactory = config.trustStore() == null ? null : loadTrustStore(config);
    }

    public Session sessionFor(SmtpServer server) {
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", server.host());
        p.put("mail.smtp.port", String.valueOf(server.port()));
        p.put("mail.smtp.connectiontimeout", String.valueOf(config.connectTimeout().toMillis()));
        p.put("mail.smtp.timeout", String.valueOf(config.readTimeout().toMillis()));
        p.put("mail.smtp.writetimeout", String.valueOf(config.writeTimeout().toMillis()));
        if (server.security() == SmtpSecurity.SSL) {
            p.put("mail.smtp.ssl.enable", "true");
        } else if (server.security() == SmtpSecurity.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (server.security() != SmtpSecurity.NONE) {
            p.put("mail.smtp.ssl.checkserveridentity", "true");
            if (trustStoreFactory != null) {
                p.put("mail.smtp.ssl.socketFactory", trustStoreFactory);
            }
        }
        Authenticator authenticator = null;
        if (server.username() != null && !server.username().isBlank()) {
            p.put("mail.smtp.auth", "true");
            p.put("mail.smtp.user", server.username());
            PasswordAuthentication credentials = new PasswordAuthentication(server.username(),
                    server.password() == null ? "" : server.password());
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return credentials;
                }
            };
        }
        return Session.getInstance(p, authenticator);
    }

    private static SSLSocketFactory loadTrustStore(GatewayProperties.Smtp config) {
        try (InputStream in = Files.newInputStream(config.trustStore())) {
            String type = config.trustStoreType() == null ? KeyStore.getDefaultType() : config.trustStoreType();
            KeyStore store = KeyStore.getInstance(type);
            char[] password = config.trustStorePassword() == null ? null : config.trustStorePassword().toCharArray();
            store.load(in, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the SMTP trust store " + config.trustStore(), e);
        }
    }
}
