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
            return Map.of(
                    "messageId", String.valueOf(m.getMessageID()),
                    "from", Arrays.stream(m.getFrom()).map(Address::toString).toList(),
                    "to", m.getAllRecipients() == null ? List.of()
                            : Arrays.stream(m.getAllRecipients()).map(Address::toString).toList(),
                    "subject", String.valueOf(m.getSubject()));
        } catch (MessagingException e) {
            return Map.of("error", "unreadable message");
        }
    }
}
