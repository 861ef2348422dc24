package io.mailgateway.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

import io.mailgateway.message.SendRequest;
import org.springframework.stereotype.Component;

/**
 * Builds the one MIME form every route sends: text and html as multipart/alternative, attachments around it in
 * multipart/mixed, the fixed Message-ID, Reply-To and Bcc (SMTP transports leave Bcc out of the data; Gmail needs it
 * in the raw message to deliver to it).
 */
@Component
public class MimeMessageFactory {

    public GatewayMimeMessage build(Session session, SendRequest request, String messageId) throws MessagingException {
        GatewayMimeMessage mime = new GatewayMimeMessage(session, messageId);
        mime.setFrom(new InternetAddress(request.from(), true));
        mime.setRecipients(RecipientType.TO, addresses(request.toOrEmpty()));
        if (!request.ccOrEmpty().isEmpty()) {
            mime.setRecipients(RecipientType.CC, addresses(request.ccOrEmpty()));
        }
        if (!request.bccOrEmpty().isEmpty()) {
            mime.setRecipients(RecipientType.BCC, addresses(request.bccOrEmpty()));
        }
        if (request.replyTo() != null && !request.replyTo().isBlank()) {
            mime.setReplyTo(new InternetAddress[] {new InternetAddress(request.replyTo(), true)});
        }
        mime.setSubject(request.subject(), StandardCharsets.UTF_8.name());
        mime.setSentDate(new Date());

        List<SendRequest.Attachment> attachments = request.attachmentsOrEmpty();
        if (attachments.isEmpty()) {
            fillContent(mime, request);
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart content = new MimeBodyPart();
            fillContent(content, request);
            mixed.addBodyPart(content);
            for (SendRequest.Attachment a : attachments) {
                MimeBodyPart part = new MimeBodyPart();
                String type = a.contentType() == null ? "application/octet-stream" : a.contentType();
                part.setDataHandler(new DataHandler(new ByteArrayDataSource(Base64.getDecoder().decode(a.contentBase64()), type)));
                part.setFileName(encodeFileName(a.filename()));
                part.setDisposition(MimeBodyPart.ATTACHMENT);
                mixed.addBodyPart(part);
            }
            mime.setContent(mixed);
        }
        mime.saveChanges();
        return mime;
    }

    /** The message as Gmail's {@code raw} field wants it: base64url of the whole MIME message, Bcc included. */
    public static String gmailRaw(MimeMessage mime) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mime.writeTo(out);
            return Base64.getUrlEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot write the MIME message", e);
        }
    }

    /** Puts the text and/or html into {@code target}: one part, or multipart/alternative for both. */
    private static void fillContent(MimePart target, SendRequest request) throws MessagingException {
        boolean text = request.text() != null && !request.text().isEmpty();
        boolean html = request.html() != null && !request.html().isEmpty();
        if (text && html) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart plain = new MimeBodyPart();
            setText(plain, request.text(), "plain");
            MimeBodyPart rich = new MimeBodyPart();
            setText(rich, request.html(), "html");
            alternative.addBodyPart(plain);
            alternative.addBodyPart(rich);
            target.setContent(alternative);
        } else if (html) {
            setText(target, request.html(), "html");
        } else {
            setText(target, request.text(), "plain");
        }
    }

    /**
     * A UTF-8 text part with its transfer encoding named at once. Left unnamed, Jakarta Mail works it out when the
     * message is saved by writing the whole text through a counting stream; {@link #transferEncoding} makes the
     * same choice from one pass over the bytes.
     */
    private static void setText(MimePart part, String content, String subtype) throws MessagingException {
        part.setText(content, StandardCharsets.UTF_8.name(), subtype);
        part.setHeader("Content-Transfer-Encoding", transferEncoding(content.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Jakarta Mail's rule for text ({@code MimeUtility.getEncoding}): only ASCII and no line over 998 characters:
     * 7bit; more ASCII than not (or a longer line): quoted-printable; otherwise base64. A byte counts as not ASCII
     * when it is 0x7F or above, or a control character other than CR, LF and tab.
     */
    static String transferEncoding(byte[] utf8) {
        int ascii = 0;
        int nonAscii = 0;
        int lineLength = 0;
        boolean longLine = false;
        for (byte value : utf8) {
            int b = value & 0xff;
            if (b == '\r' || b == '\n') {
                lineLength = 0;
            } else if (++lineLength > 998) {
                longLine = true;
            }
            if (b >= 0177 || (b < 040 && b != '\r' && b != '\n' && b != '\t')) {
                nonAscii++;
            } else {
                ascii++;
            }
        }
        if (nonAscii == 0) {
            return longLine ? "quoted-printable" : "7bit";
        }
        return ascii > nonAscii ? "quoted-printable" : "base64";
    }

    private static InternetAddress[] addresses(List<String> list) throws MessagingException {
        InternetAddress[] out = new InternetAddress[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress(list.get(i), true);
        }
        return out;
    }

    private static String encodeFileName(String name) {
        try {
            return MimeUtility.encodeText(name, StandardCharsets.UTF_8.name(), null);
        } catch (java.io.UnsupportedEncodingException e) {
            return name;
        }
    }
}
