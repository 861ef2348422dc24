package io.mailgateway.api;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * The header policy of every HTTP endpoint (platform-http): requests are read as Camel's HTTP default, and a reply
 * carries only the headers named here. Without it, the Spring Boot engine echoes request headers (Accept,
 * User-Agent, Cookie, anything an upstream sends) and exchange headers back to the caller.
 */
@Component("apiResponseHeaders")
public class ApiResponseHeaders extends HttpHeaderFilterStrategy {

    static final Set<String> REPLY_HEADERS = Set.of("content-type", "location", "retry-after", "cache-control",
            "www-authenticate", "content-disposition", "content-security-policy", "x-content-type-options");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !REPLY_HEADERS.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
