package io.mailgateway.settings;

/** The delivery route a tenant's mail takes. */
public enum RouteChoice {
    SMTP, GMAIL, PLATFORM
}
