package io.mailgateway.failure;

/**
 * Why a delivery failed, in the words a clinic's administrator can act on. The hint is what the settings API,
 * the verification route and the dead-letter console show.
 */
public enum FailureCategory {
    AUTH_FAILED(false,
            "The mail server did not accept the user name and password. Type the password again; "
                    + "a password manager may have filled in an old one."),
    APP_PASSWORD_REQUIRED(false,
            "2-step verification is on for this account, so the normal password cannot be used here. "
                    + "Create an app password in the account's security settings and enter that instead."),
    WEB_LOGIN_REQUIRED(false,
            "The provider blocked this sign-in as unusual. Sign in to the mailbox in a web browser once, "
                    + "or use an app password or Sign in with Google instead."),
    TLS_REQUIRED(false,
            "The server requires an encrypted connection. Choose STARTTLS (usually port 587) or SSL "
                    + "(usually port 465)."),
    TLS_FAILED(false,
            "The secure connection could not be set up. Check the security mode and port: STARTTLS uses port "
                    + "587, SSL uses port 465; the server's certificate must be valid for its host name."),
    CONNECTION_FAILED(true,
            "The mail server could not be reached. Check the host name and port; if they are right, "
                    + "the server may be down for a moment and sending is retried."),
    RATE_LIMITED(true,
            "The provider's sending rate limit was reached. Nothing to do: sending slows down and retries."),
    QUOTA_EXCEEDED(true,
            "The account's daily sending limit was reached. Sending resumes when the provider allows it, "
                    + "usually within 24 hours."),
    RECIPIENT_REJECTED(false,
            "The recipient's mail server refused the address. Check the address with the patient."),
    MESSAGE_REJECTED(false,
            "The message was refused: it may be too large or was taken for spam. Make attachments smaller "
                    + "or change the content."),
    REAUTH_REQUIRED(false,
            "Google no longer accepts the clinic's sign-in. Sign in with Google again in the mail settings."),
    PERMISSION_DENIED(false,
            "The Google account did not grant permission to send. Sign in with Google again and allow "
                    + "sending, or ask the domain administrator to allow it."),
    PROVIDER_UNAVAILABLE(true,
            "The provider had a temporary problem. Nothing to do: sending is retried."),
    UNKNOWN(false,
            "The provider refused the message for a reason the gateway does not recognise; "
                    + "see the provider's reply.");

    private final boolean retryable;
    private final String hint;

    FailureCategory(boolean retryable, String hint) {
        this.retryable = retryable;
        this.hint = hint;
    }

    /** Whether this category is retried by default (UNKNOWN decides per reply: 4xx yes, 5xx no). */
    public boolean retryable() {
        return retryable;
    }

    public String hint() {
        return hint;
    }
}
