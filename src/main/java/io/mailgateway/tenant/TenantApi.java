package io.mailgateway.tenant;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.mailgateway.api.ApiException;
import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.api.JsonBodies;
import io.mailgateway.message.Addresses;
import io.mailgateway.security.ApiKeyService;
import io.mailgateway.security.Role;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** The operations behind {@code /api/v1/tenants}: creating clinics and their API keys. */
@Component("tenantApi")
public class TenantApi {

    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final TenantRepository tenants;
    private final ApiKeyService keys;
    private final JsonBodies json;

    public TenantApi(TenantRepository tenants, ApiKeyService keys, JsonBodies json) {
        this.tenants = tenants;
        this.keys = keys;
        this.json = json;
    }

    public record CreateTenant(String id, String name, String loginEmail, String fromAddress) {
    }

    public record CreateKey(Role role) {
    }

    public Tenant create(Exchange exchange) {
        CreateTenant request = json.read(exchange, CreateTenant.class);
        List<FieldError> errors = new ArrayList<>();
        if (request.id() == null || !TENANT_ID.matcher(request.id()).matches()) {
            errors.add(new FieldError("id", "required: lower-case letters, digits and '-', at most 63"));
        }
        if (request.name() == null || request.name().isBlank() || Addresses.hasLineBreak(request.name())) {
            errors.add(new FieldError("name", "required, on one line"));
        }
        Addresses.checkOne("loginEmail", request.loginEmail(), true, errors);
        Addresses.checkOne("fromAddress", request.fromAddress(), true, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        Tenant tenant = new Tenant(request.id(), request.name().trim(), request.loginEmail().trim(),
                request.fromAddress().trim(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        if (!tenants.insert(tenant)) {
            throw new ApiException(409, "conflict", "A tenant with this id exists already");
        }
        return tenant;
    }

    public Map<String, Object> createKey(Exchange exchange, @Header("tenantId") String tenantId) {
        CreateKey request = json.read(exchange, CreateKey.class);
        if (request.role() == null) {
            throw ApiException.badRequest(List.of(new FieldError("role", "required: SENDER, SUPPORT or ADMIN")));
        }
        tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("Tenant"));
        ApiKeyService.IssuedKey issued = keys.issue(tenantId, request.role());
        return Map.of("id", issued.id(), "tenantId", tenantId, "role", issued.role(), "key", issued.key());
    }
}
