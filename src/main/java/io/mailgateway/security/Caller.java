package io.mailgateway.security;

/** Who is calling: resolved from the API key of the request. */
public record Caller(String keyId, String tenantId, Role role) {

    /** A SENDER sees only its own tenant; platform staff see all. */
    public boolean canSee(String otherTenantId) {
        return role != Role.SENDER || (tenantId != null && tenantId.equals(otherTenantId));
    }
}
