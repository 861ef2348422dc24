package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.settings.SmtpSecurity;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import org.junit.jupiter.api.Test;

/** One session per destination and credentials, and a bounded number of them. */
class SmtpSessionsTest {

    private final SmtpSessions sessions = new SmtpSessions(new GatewayProperties.Smtp(Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), false, null, null, null,
            new GatewayProperties.Smtp.Pool(true, 4, Duration.ofSeconds(30), 100, Duration.ofSeconds(5))), 50);

    @Test
    void theSameDestinationSharesASessionAndNewCredentialsGetANewOne() {
        Session first = sessions.sessionFor(server("smtp.clinic.example", "user", "old-password"));

        assertThat(sessions.sessionFor(server("smtp.clinic.example", "user", "old-password"))).isSameAs(first);
        Session changed = sessions.sessionFor(server("smtp.clinic.example", "user", "new-password"));
        assertThat(changed).isNotSameAs(first);
        assertThat(changed.requestPasswordAuthentication(null, 587, "smtp", null, "user"))
                .extracting(PasswordAuthentication::getPassword).isEqualTo("new-password");
        assertThat(sessions.sessionFor(server("other.example", "user", "old-password"))).isNotSameAs(first);
    }

    @Test
    void pastTheLimitTheLeastRecentlyUsedDestinationIsForgotten() {
        Session relay = sessions.sessionFor(server("relay.example", null, null));
        Session oldest = sessions.sessionFor(server("oldest.example", "user", "secret"));
        for (int i = 0; i < 50; i++) {
            sessions.sessionFor(server("tenant-" + i + ".example", "user", "secret"));
            if (i % 10 == 0) {
                // the relay is in use all the time
                assertThat(sessions.sessionFor(server("relay.example", null, null))).isSameAs(relay);
            }
        }

        assertThat(sessions.sessionFor(server("relay.example", null, null))).isSameAs(relay);
        assertThat(sessions.sessionFor(server("oldest.example", "user", "secret"))).isNotSameAs(oldest);
    }

    private static SmtpServer server(String host, String user, String password) {
        return new SmtpServer(host, 587, SmtpSecurity.STARTTLS, user, password);
    }
}
