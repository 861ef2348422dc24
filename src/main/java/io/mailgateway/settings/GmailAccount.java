package io.mailgateway.settings;

import java.time.Instant;

/** A tenant's Gmail account connected through Google sign-in; the refresh token is held encrypted. */
public record GmailAccount(
        String tenantId,
        String accountEmail,
        String refreshTokenEnc,
        Status status,
        Instant connectedAt) {

    public enum Status { CONNECTED, NEEDS_REAUTH }

    @Override
    public String toString() {
        return "GmailAccount[tenant=" + tenantId + ", account=" + accountEmail + ", status=" + status + "]";
    }
}
