package io.mailgateway.security;

import io.mailgateway.tenant.Tenant;

/**
 * Who is calling: resolved from the API key of the request. For a key bound to a tenant, the tenant is read with
 * the key (one query per request, not two).
 */
public record Caller(String keyId, String tenantId, Role role, Tenant tenant) {

    public Caller(String keyId, String tenantId, Role role) {
        this(keyId, tenantId, role, null);
    }

    /** A SENDER sees only its own tenant; platform staff see all. */
    public boolean canSee(String otherTenantId) {
        return role != Role.SENDER || (tenantId != null && tenantId.equals(otherTenantId));
    }
}
