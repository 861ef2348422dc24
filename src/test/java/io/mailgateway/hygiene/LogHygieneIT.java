package io.mailgateway.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailgateway.support.TestSecrets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole test suite (failsafe, in {@code verify}) and reads the log it wrote at DEBUG level for
 * Camel and the gateway: every password, token, key and API key the tests used must be absent, and so must the
 * contents of the messages (patient data).
 */
class LogHygieneIT {

    private static final Path LOG = Path.of("target", "test-run.log");
    private static final Pattern API_KEY = Pattern.compile("mgw_[A-Za-z0-9_-]{20,}");
    /** Text that only appears in message bodies the tests send. */
    private static final List<String> MESSAGE_CONTENT = List.of("Hello from the clinic.", "Dear patient, see you");

    private static List<String> lines;

    @BeforeAll
    static void readTheLog() throws IOException {
        assertThat(LOG).as("run the unit tests first: mvn verify").exists();
        lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
    }

    @Test
    void theLogIsTheWholeRunAndNotAnEmptyFile() {
        // otherwise the checks below would pass on nothing
        assertThat(lines).anyMatch(l -> l.contains("SENT via SMTP"));
        assertThat(lines).anyMatch(l -> l.contains("SENT via GMAIL"));
        assertThat(lines).anyMatch(l -> l.contains("DEAD_LETTERED as AUTH_FAILED"));
        assertThat(lines).anyMatch(l -> l.contains("DEAD_LETTERED as REAUTH_REQUIRED"));
    }

    @Test
    void noSecretAppearsInTheLog() {
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (String secret : TestSecrets.FIXED) {
                if (lines.get(i).contains(secret)) {
                    leaks.add((i + 1) + ": " + secret.substring(0, 6) + "… in " + lines.get(i));
                }
            }
            Matcher key = API_KEY.matcher(lines.get(i));
            if (key.find()) {
                leaks.add((i + 1) + ": an API key in " + lines.get(i));
            }
        }
        assertThat(leaks).as("secrets in target/test-run.log").isEmpty();
    }

    @Test
    void noMessageContentAppearsInTheLog() {
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (String content : MESSAGE_CONTENT) {
                if (lines.get(i).contains(content)) {
                    leaks.add((i + 1) + ": " + lines.get(i));
                }
            }
        }
        assertThat(leaks).as("message content in target/test-run.log").isEmpty();
    }
}
