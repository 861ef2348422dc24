package io.mailgateway.delivery;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.mailgateway.support.GatewayTestSupport;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** routes/send-platform.camel.yaml end to end: HTTP in, the platform relay (GreenMail with AUTH) out. */
class SendPlatformRouteTest extends GatewayTestSupport {

    @Test
    void aFullMessageArrivesThroughTheRelayExactlyAsRequested() throws Exception {
        TestTenant tenant = newTenant();
        String id = send(tenant, MimeAssertions.fullMessage());

        var status = awaitStatus(tenant, id, "SENT");
        assertThat(status.path("route").asText()).isEqualTo("PLATFORM");

        await().until(() -> received(RELAY, tenant).length == 3);
        // one copy per recipient mailbox: to, cc and the blind copy
        Set<String> mailboxes = Arrays.stream(received(RELAY, tenant))
                .map(m -> GreenMailUtil.getAddressList(recipientsOf(m))).collect(Collectors.toSet());
        assertThat(mailboxes).hasSize(1);
        MimeMessage received = received(RELAY, tenant)[0];
        assertThat(received.getHeader("Bcc")).as("Bcc must not travel in the headers").isNull();
        var archive = RELAY.getUserManager().getUserByEmail("archive@clinic.example");
        assertThat(archive).as("the blind copy's mailbox was delivered to").isNotNull();
        String messageId = "<" + id + "@" + tenant.id() + ".example>";
        long copies = 0;
        for (var stored : RELAY.getManagers().getImapHostManager().getInbox(archive).getMessages()) {
            if (messageId.equals(stored.getMimeMessage().getHeader("Message-ID", null))) {
                copies++;
            }
        }
        assertThat(copies).as("the blind copy arrived").isEqualTo(1);
        MimeAssertions.assertFullMessage(received, tenant.fromAddress(), "<" + id + "@" + tenant.id() + ".example>");
    }

    @Test
    void aTextOnlyMessageIsASinglePart() throws Exception {
        TestTenant tenant = newTenant();
        String id = send(tenant, simpleMessage("patient@example.org", "Plain"));
        awaitStatus(tenant, id, "SENT");
        MimeMessage received = received(RELAY, tenant)[0];
        assertThat(received.isMimeType("text/plain")).isTrue();
        assertThat(((String) received.getContent()).trim()).isEqualTo("Hello from the clinic.");
    }

    private static Address[] recipientsOf(MimeMessage m) {
        try {
            return m.getAllRecipients();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
