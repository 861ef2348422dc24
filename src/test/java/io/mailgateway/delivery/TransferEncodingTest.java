package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import io.mailgateway.message.SendRequest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

/**
 * The text parts name their transfer encoding when built, and it is the one Jakarta Mail itself would choose, and
 * the text arrives intact through it.
 */
class TransferEncodingTest {

    static final List<String> TEXTS = List.of(
            "Dear patient, see you on Tuesday.\r\nKind regards",
            "One long line: " + "x".repeat(1200),
            "Grüße aus der Praxis, bis Dienstag",
            "Ελληνικά κείμενα για τον ασθενή, ραντεβού την Τρίτη",
            "予約のお知らせ: 火曜日",
            "tab\tseparated\tcolumns\nand a bell \u0007 in it",
            "<p>Dear patient, see you on <b>Tuesday</b>.</p>",
            "line of exactly 998: " + "y".repeat(998 - 21) + "\nnext");

    @Test
    void theChoiceIsJakartaMailsOwn() throws Exception {
        for (String text : TEXTS) {
            MimeBodyPart reference = new MimeBodyPart();
            reference.setText(text, "UTF-8", "plain");
            String jakarta = MimeUtility.getEncoding(reference.getDataHandler());
            assertThat(MimeMessageFactory.transferEncoding(text.getBytes(StandardCharsets.UTF_8)))
                    .as("for %s", text.substring(0, Math.min(30, text.length()))).isEqualTo(jakarta);
        }
    }

    @Test
    void aBuiltMessageCarriesItAndTheTextSurvivesTheEncoding() throws Exception {
        Session session = Session.getInstance(new Properties());
        for (String text : TEXTS) {
            SendRequest request = new SendRequest(List.of("patient@example.org"), null, null, null,
                    "noreply@clinic.example", "Subject", text, null, null, null);
            MimeMessage built = new MimeMessageFactory().build(session, request, "<id@clinic.example>");
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            built.writeTo(raw);
            MimeMessage parsed = new MimeMessage(session, new java.io.ByteArrayInputStream(raw.toByteArray()));
            assertThat(parsed.getEncoding()).isEqualTo(
                    MimeMessageFactory.transferEncoding(text.getBytes(StandardCharsets.UTF_8)));
            assertThat(((String) parsed.getContent()).replace("\r\n", "\n")).isEqualTo(text.replace("\r\n", "\n"));
        }
    }
}
