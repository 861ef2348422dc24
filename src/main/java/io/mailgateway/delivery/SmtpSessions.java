package io.mailgateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.SSLEngine;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

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

    @org.springframework.beans.factory.annotation.Autowired
    public SmtpSessions(GatewayProperties properties) {
        this(properties.smtp(), MAX_SESSIONS);
    }

    SmtpSessions(GatewayProperties.Smtp config, int maxSessions) {
        this.config = config;
        this.maxSessions = maxSessions;
        this.trustStoreFactory = config.trustStore() == null ? null : loadTrustStore(config);
    }

    /**
     * One session per destination (server, mode and credentials): the connection pool keys on it, so messages to
     * the same server share connections, and new credentials get new connections.
     */
    public Session sessionFor(SmtpServer server) {
        // keyed by the record itself (host, port, mode, user, password): no digest per message, and the record
        // never prints its password
        synchronized (sessions) {
            return sessions.computeIfAbsent(server, this::newSession);
        }
    }

    /** Sessions kept: one per destination in use (each tenant's own server, the relay). */
    static final int MAX_SESSIONS = 10_000;

    private final int maxSessions;

    /**
     * Least recently used first: when more destinations than the maximum were used, the one unused for
     * the longest time (old credentials, removed settings) is forgotten; the pool closes its idle connections by
     * its idle timeout, and a later message to it simply gets a new session.
     */
    private final java.util.Map<SmtpServer, Session> sessions = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<SmtpServer, Session> eldest) {
            return size() > maxSessions;
        }
    };

    private Session newSession(SmtpServer server) {
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

    /**
     * The operator's trust store adds to the JVM's CAs, it does not replace them: a private relay's CA is trusted
     * and so are the public CAs of Gmail, Outlook and every other provider a tenant may use.
     */
    private static SSLSocketFactory loadTrustStore(GatewayProperties.Smtp config) {
        try (InputStream in = Files.newInputStream(config.trustStore())) {
            String type = config.trustStoreType() == null ? KeyStore.getDefaultType() : config.trustStoreType();
            KeyStore store = KeyStore.getInstance(type);
            char[] password = config.trustStorePassword() == null ? null : config.trustStorePassword().toCharArray();
            store.load(in, password);
            X509TrustManager operator = x509(store);
            X509TrustManager jvm = x509(null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new EitherTrustManager(operator, jvm)}, null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the SMTP trust store " + config.trustStore(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /**
     * Trusts a server certificate when the operator's store or the JVM's default store does. Both are asked with
     * the socket, so the JDK's own host name check applies to each. When both refuse, the reason that is not
     * "unknown issuer" is reported, because it is the one that explains the failure (e.g. a host name mismatch).
     */
    private static final class EitherTrustManager extends X509ExtendedTrustManager {

        private final X509ExtendedTrustManager first;
        private final X509ExtendedTrustManager second;

        EitherTrustManager(X509TrustManager first, X509TrustManager second) {
            this.first = (X509ExtendedTrustManager) first;
            this.second = (X509ExtendedTrustManager) second;
        }

        private interface Check {
            void run(X509ExtendedTrustManager tm) throws CertificateException;
        }

        private void either(Check check) throws CertificateException {
            try {
                check.run(first);
            } catch (CertificateException byOperator) {
                try {
                    check.run(second);
                } catch (CertificateException byJvm) {
                   
                    throw isUnknownIssuer(byOperator) ? byJvm : byOperator;
                }
            }
        }

        private static boolean isUnknownIssuer(CertificateException e) {
            return e.getMessage() != null && e.getMessage().startsWith("PKIX path");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            either(tm -> tm.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the gateway is never an SMTP server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
