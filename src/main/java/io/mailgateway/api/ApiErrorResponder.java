package io.mailgateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns whatever an API route threw into {@code {error, message, details}} with the right status. Anything that
 * is not an {@link ApiException} is a fault of ours: 500, logged with its type, and no internals in the reply.
 */
@Component("apiErrorResponder")
public class ApiErrorResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorResponder.class);

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (error instanceof ApiException api) {
            status = api.status();
            body.put("error", api.error());
            body.put("message", api.getMessage());
            body.put("details", api.details());
        } else {
            status = 500;
            String route = exchange.getFromRouteId();
            // the type only: messages of library exceptions may quote request content
            LOG.error("API route {} failed with {}", route, error == null ? "unknown error" : error.getClass().getName());
            body.put("error", "internal_error");
            body.put("message", "The gateway could not handle this request; it has been logged.");
            body.put("details", java.util.List.of());
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }
}
