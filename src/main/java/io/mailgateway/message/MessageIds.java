package io.mailgateway.message;

import java.util.UUID;

/**
 * Message ids: UUIDs of version 7 (RFC 9562), the creation time in milliseconds followed by random bits. Ids made
 * close in time sort close together, so a new message's index entries land in the last pages of the indexes instead
 * of a random page each; a database commit then rewrites a few pages for a whole group of messages, not one page
 * per message. The 74 random bits come from the same secure source as {@link UUID#randomUUID()}.
 */
public final class MessageIds {

    private MessageIds() {
    }

    public static String next() {
        return at(System.currentTimeMillis()).toString();
    }

    static UUID at(long epochMillis) {
        UUID random = UUID.randomUUID();
        long msb = (epochMillis << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
        // the variant bits of the random UUID (10xx) are kept as they are
        return new UUID(msb, random.getLeastSignificantBits());
    }
}
