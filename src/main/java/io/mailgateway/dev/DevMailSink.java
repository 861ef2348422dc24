package io.mailgateway.dev;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The embedded default's platform relay: an in-process GreenMail SMTP server that accepts everything and keeps it
 * in memory. Only in the {@code dev} profile, and said loudly, so nobody mistakes it for real delivery.
 */
@Component
@Profile("dev")
public class DevMailSink implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DevMailSink.class);

    private final GreenMail greenMail;

    public DevMailSink(@Value("${gateway.relay.host}") String host, @Value("${gateway.relay.port}") int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1".equals(host) || "localhost".equals(host) ? "127.0.0.1" : host,
                ServerSetup.PROTOCOL_SMTP);
        // accepts any user name and password, so a clinic's SMTP settings can be tried against it too
        greenMail = new GreenMail(setup).withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        LOG.warn("DEVELOPMENT MAIL SINK: the platform relay is an in-process GreenMail on {}:{}. Mail sent through it "
                + "does not leave this machine; see GET /dev/mailbox. The bootstrap admin key is README's development key "
                + "unless GATEWAY_ADMIN_KEY is set. Never use the dev profile in production.", host, port);
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public void destroy() {
        greenMail.stop();
    }
}
