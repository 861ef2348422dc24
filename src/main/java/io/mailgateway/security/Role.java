package io.mailgateway.security;

/** What an API key may do. SUPPORT and ADMIN are platform staff roles and see every tenant. */
public enum Role {
    SENDER, SUPPORT, ADMIN
}
