package io.mailgateway.dev;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Shows what reached the development mail sink, so a newcomer can see a message arrive. dev profile only. */
@RestController
@Profile("dev")
public class DevMailboxController {

    private final DevMailSink sink;

    public DevMailboxController(DevMailSink sink) {
        this.sink = sink;
    }

    @GetMapping("/dev/mailbox")
    public List<Map<String, Object>> mailbox() throws MessagingException {
        MimeMessage[] received = sink.greenMail().getReceivedMessages();
        return Arrays.stream(received).map(DevMailboxController::summary).toList();
    }

    private static Map<String, Object> summary(MimeMessage m) {
        try {
            Map<String, Object> view = new java.util.LinkedHashMap<>();
            view.put("messageId", String.valueOf(m.getMessageID()));
            view.put("from", Arrays.stream(m.getFrom()).map(Address::toString).toList());
            view.put("to", m.getAllRecipients() == null ? List.of()
                    : Arrays.stream(m.getAllRecipients()).map(Address::toString).toList());
            view.put("subject", String.valueOf(m.getSubject()));
            view.put("text", plainText(m));
            return view;
        } catch (MessagingException | java.io.IOException e) {
            return Map.of("error", "unreadable message");
        }
    }

    /** The text/plain part, so a test e-mail's confirmation link can be read here. */
    private static String plainText(jakarta.mail.Part part) throws MessagingException, java.io.IOException {
        if (part.isMimeType("text/plain")) {
            return String.valueOf(part.getContent());
        }
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = plainText(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }
}
