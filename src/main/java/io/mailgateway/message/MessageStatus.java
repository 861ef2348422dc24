package io.mailgateway.message;

public enum MessageStatus {
    QUEUED, SENDING, RETRYING, SENT, DEAD_LETTERED, DISCARDED;

    public boolean isFinal() {
        return this == SENT || this == DEAD_LETTERED || this == DISCARDED;
    }
}
