package io.mailgateway.tenant;

import java.time.Instant;

/** A clinic: the unit that owns messages, keys and mail settings. */
public record Tenant(String id, String name, String loginEmail, String fromAddress, Instant createdAt) {
}
