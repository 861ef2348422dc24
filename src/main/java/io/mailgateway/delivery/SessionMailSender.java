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

    @Override
    public void send(MimeMessage message) throws MessagingException {
        Session session = message.getSession();
        if (session == null) {
            throw new MessagingException("The message was not built for an SMTP session");
        }
        message.saveChanges();
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }
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
