package io.mailgateway.security;

import java.util.Arrays;

import io.mailgateway.api.ApiException;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The first step of every API route: reads {@code Authorization: Bearer <key>}, checks the role and keeps the
 * caller in the exchange variable {@code caller}. The header is removed at once so it can never be logged or
 * passed on.
 */
@Component("apiAuth")
public class ApiAuth {

    public static final String CALLER = "caller";

    private final ApiKeyService keys;

    public ApiAuth(ApiKeyService keys) {
        this.keys = keys;
    }

    /** @param roles comma-separated roles that may call this operation */
    public void require(Exchange exchange, String roles) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        String key = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        Caller caller = keys.authenticate(key).orElseThrow(() -> new ApiException(401, "unauthorized",
                "Send a valid API key as 'Authorization: Bearer <key>'"));
        boolean allowed = Arrays.stream(roles.split(",")).map(String::trim).anyMatch(r -> r.equals(caller.role().name()));
        if (!allowed) {
            throw new ApiException(403, "forbidden", "This API key's role (" + caller.role() + ") may not do this");
        }
        exchange.setVariable(CALLER, caller);
    }

    public static Caller caller(Exchange exchange) {
        return exchange.getVariable(CALLER, Caller.class);
    }
}
