package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailgateway.support.GatewayTestSupport;
import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.Test;

/** What operations scrape at /actuator/prometheus: outcomes per route and category, and nothing secret. */
class MetricsTest extends GatewayTestSupport {

    private String scrape() {
        Reply reply = get("/actuator/prometheus", null);
        assertThat(reply.status()).isEqualTo(200);
        return reply.raw();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void sentAndDeadLetteredMessagesAreCountedByRouteAndCategory() {
        String sentSeries = "mailgateway_messages_total{category=\"NONE\",outcome=\"sent\",route=\"PLATFORM\"}";
        String deadSeries = "mailgateway_messages_total{category=\"AUTH_FAILED\",outcome=\"dead_lettered\",route=\"SMTP\"}";
        String before = scrape();
        double sentBefore = value(before, sentSeries);
        double deadBefore = value(before, deadSeries);
        double acceptedBefore = value(before, "mailgateway_messages_accepted_total");

        TestTenant relayed = newTenant();
        String ok = send(relayed, simpleMessage("patient@example.org", "Counted"));
        awaitStatus(relayed, ok, "SENT");

        TestTenant wrongPassword = newTenant();
        tenantSmtp(wrongPassword, "not-the-password-" + TestSecrets.SMTP_PASSWORD, true);
        String failing = send(wrongPassword, simpleMessage("patient@example.org", "Refused"));
        awaitStatus(wrongPassword, failing, "DEAD_LETTERED");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = scrape();
            assertThat(value(after, sentSeries)).isGreaterThanOrEqualTo(sentBefore + 1);
            assertThat(value(after, deadSeries)).isEqualTo(deadBefore + 1);
            assertThat(value(after, "mailgateway_messages_accepted_total")).isGreaterThanOrEqualTo(acceptedBefore + 2);
        });
        String after = scrape();
        assertThat(after).as("Camel's route metrics are there too").contains("routeId=\"dispatch-message\"");
        assertThat(after).doesNotContain(TestSecrets.SMTP_PASSWORD, TestSecrets.RELAY_PASSWORD, wrongPassword.id(),
                relayed.id(), "patient@example.org");
    }
}
