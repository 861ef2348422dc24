package io.mailgateway.delivery;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A MIME message whose Message-ID is fixed at intake: Jakarta Mail would make a new one on every
 * {@code saveChanges()}, and every attempt of one message must carry the same id so duplicates are visible.
 */
public class GatewayMimeMessage extends MimeMessage {

    private final String fixedMessageId;

    public GatewayMimeMessage(Session session, String fixedMessageId) {
        super(session);
        this.fixedMessageId = fixedMessageId;
    }

    /**
     * True once {@code saveChanges()} has run (Jakarta Mail's own flag; it is not cleared by later edits, and the
     * gateway does not edit a message after building it).
     */
    public boolean headersUpToDate() {
        return saved;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", fixedMessageId);
    }
}
