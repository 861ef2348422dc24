package io.mailgateway.delivery;

import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.JavaMailSender;
import org.apache.camel.component.mail.MailAuthenticator;
import org.springframework.stereotype.Component;

/**
 * The sender behind the camel-mail endpoints: it sends each message through the session the message was built
 * with, so one static endpoint URI serves every tenant and no host, user or password is ever part of a URI.
 */
@Component("sessionMailSender")
public class SessionMailSender implements JavaMailSender {

    private final SmtpConnectionPool pool;

    public SessionMailSender(SmtpConnectionPool pool) {
        this.pool = pool;
    }

    /** Sends over a pooled connection of the message's session; see {@link SmtpConnectionPool}. */
    @Override
    public void send(MimeMessage message) throws MessagingException {
        Session session = message.getSession();
        if (session == null) {
            throw new MessagingException("The message was not built for an SMTP session");
        }
        if (!(message instanceof GatewayMimeMessage built && built.headersUpToDate())) {
            // the factory's messages are saved once when built; anything else is saved here
            message.saveChanges();
        }
        for (int attempt = 1; ; attempt++) {
            SmtpConnectionPool.Lease lease = pool.borrow(session);
            try {
                lease.transport().sendMessage(message, message.getAllRecipients());
                pool.release(lease);
                return;
            } catch (MessagingException | RuntimeException e) {
                pool.discard(lease);
                // a reused connection the server had closed meanwhile: once more, on a fresh connection
                if (attempt == 1 && lease.reused() && brokenConnection(e)) {
                    continue;
                }
                throw e;
            }
        }
    }

    private static boolean brokenConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof MessagingException me ? me.getNextException() : null) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    // The endpoint-wide settings below do not apply: every message brings its own session.

    @Override
    public Properties getJavaMailProperties() {
        return new Properties();
    }

    @Override
    public void setJavaMailProperties(Properties javaMailProperties) {
        // not used
    }

    @Override
    public void addAdditionalJavaMailProperty(String key, String value) {
        // not used
    }

    @Override
    public void setHost(String host) {
        // not used
    }

    @Override
    public String getHost() {
        return null;
    }

    @Override
    public void setPort(int port) {
        // not used
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public void setUsername(String username) {
        // not used
    }

    @Override
    public String getUsername() {
        return null;
    }

    @Override
    public void setPassword(String password) {
        // not used
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public void setProtocol(String protocol) {
        // not used
    }

    @Override
    public String getProtocol() {
        return "smtp";
    }

    @Override
    public void setSession(Session session) {
        // not used
    }

    @Override
    public Session getSession() {
        return null;
    }

    @Override
    public void setAuthenticator(MailAuthenticator authenticator) {
        // not used
    }

    @Override
    public MailAuthenticator getAuthenticator() {
        return null;
    }
}
