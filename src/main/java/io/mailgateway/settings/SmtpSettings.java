package io.mailgateway.settings;

import java.time.Instant;

/**
 * A tenant's own SMTP server. The password is held encrypted ({@code passwordEnc}); only the sender decrypts it.
 * Only ACTIVE (confirmed) settings carry mail.
 */
public record SmtpSettings(
        String tenantId,
        String host,
        int port,
        SmtpSecurity security,
        String username,
        String passwordEnc,
        String fromAddress,
        Status status,
        Instant confirmedAt) {

    public enum Status { PENDING_CONFIRMATION, ACTIVE }

    /** Never print the password, even encrypted. */
    @Override
    public String toString() {
        return "SmtpSettings[tenant=" + tenantId + ", " + host + ":" + port + " " + security + ", status=" + status + "]";
    }
}
