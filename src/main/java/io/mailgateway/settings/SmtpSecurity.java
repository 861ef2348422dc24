package io.mailgateway.settings;

/** How the SMTP connection is secured. */
public enum SmtpSecurity {
    /** plain connection upgraded with STARTTLS, which is required (usually port 587) */
    STARTTLS,
    /** implicit TLS from the first byte (usually port 465) */
    SSL,
    /** no TLS at all: refused for tenants unless the operator allows it */
    NONE
}
