package io.mailgateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;

/** Walks a received MIME tree so tests can assert on its parts; the one full message every route must carry. */
public final class MimeAssertions {

    private MimeAssertions() {
    }

    public static final byte[] PDF = new byte[70_000];

    static {
        new java.util.Random(42).nextBytes(PDF);
    }

    /** A request with every part: to, cc, bcc, reply-to, text, html, an attachment. */
    public static String fullMessage() {
        return """
                {"to":["patient@example.org"],"cc":["carer@example.org"],"bcc":["archive@clinic.example"],
                 "replyTo":"reception@clinic.example","subject":"Your appointment on Monday ✓",
                 "text":"Dear patient, see you Monday at 9:00.",
                 "html":"<p>Dear patient, see you <b>Monday</b> at 9:00.</p>",
                 "attachments":[{"filename":"letter.pdf","contentType":"application/pdf","contentBase64":"%s"}],
                 "metadata":{"appointmentId":"A-17"}}""".formatted(java.util.Base64.getEncoder().encodeToString(PDF));
    }

    /** What {@link #fullMessage()} must look like when it arrives, whatever route it took. */
    static void assertFullMessage(jakarta.mail.internet.MimeMessage received, String from, String messageId)
            throws MessagingException, IOException {
        org.assertj.core.api.Assertions.assertThat(received.getHeader("To")[0]).isEqualTo("patient@example.org");
        org.assertj.core.api.Assertions.assertThat(received.getHeader("Cc")[0]).isEqualTo("carer@example.org");
        org.assertj.core.api.Assertions.assertThat(received.getSubject()).isEqualTo("Your appointment on Monday ✓");
        org.assertj.core.api.Assertions.assertThat(received.getReplyTo()[0].toString()).isEqualTo("reception@clinic.example");
        org.assertj.core.api.Assertions.assertThat(received.getFrom()[0].toString()).isEqualTo(from);
        org.assertj.core.api.Assertions.assertThat(received.getMessageID()).isEqualTo(messageId);
        org.assertj.core.api.Assertions.assertThat(received.isMimeType("multipart/mixed")).isTrue();
        org.assertj.core.api.Assertions.assertThat(textOf(received, "text/plain")).isEqualTo("Dear patient, see you Monday at 9:00.");
        org.assertj.core.api.Assertions.assertThat(textOf(received, "text/html"))
                .isEqualTo("<p>Dear patient, see you <b>Monday</b> at 9:00.</p>");
        org.assertj.core.api.Assertions.assertThat(attachment(received, "letter.pdf")).isEqualTo(PDF);
    }

    /** Every leaf part, depth first. */
    static List<Part> leaves(Part part) throws MessagingException, IOException {
        List<Part> out = new ArrayList<>();
        collect(part, out);
        return out;
    }

    private static void collect(Part part, List<Part> out) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, out);
            }
        } else {
            out.add(part);
        }
    }

    static String textOf(Part root, String mimeType) throws MessagingException, IOException {
        for (Part p : leaves(root)) {
            if (p.isMimeType(mimeType) && !Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
                return (String) p.getContent();
            }
        }
        return null;
    }

    static byte[] attachment(Part root, String filename) throws MessagingException, IOException {
        for (Part p : leaves(root)) {
            if (filename.equals(p.getFileName())) {
                try (InputStream in = p.getInputStream()) {
                    return in.readAllBytes();
                }
            }
        }
        return null;
    }
}
