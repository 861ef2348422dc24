package io.mailgateway.api;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.mailgateway.config.GatewayProperties;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Reads request bodies strictly: a body that is not JSON, an unknown field or a value of the wrong type is a
 * 400 naming the field, never a 500.
 */
@Component
public class JsonBodies {

    private final ObjectMapper mapper;
    private final long maxBodyChars;

    public JsonBodies(ObjectMapper mapper, GatewayProperties properties) {
        // a message at the size limit arrives base64-encoded (4/3 larger) inside JSON; allow that much and a
        // margin, so the validator, not the parser, reports a message that is only a little too large
        long limit = properties.limits().maxMessageBytes();
        this.maxBodyChars = limit / 3 * 4 * 2 + 1024 * 1024;
        ObjectMapper copy = mapper.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        copy.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBodyChars)).build());
        this.mapper = copy;
    }

    public <T> T read(Exchange exchange, Class<T> type) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "invalid_json", "The request body must be a JSON object");
        }
        if (body.length() > maxBodyChars) {
            throw new ApiException(413, "payload_too_large", "The request body is " + body.length()
                    + " characters; a message at the size limit needs at most " + maxBodyChars);
        }
        return read(body, type);
    }

    public <T> T read(String body, Class<T> type) {
        ObjectReader reader = mapper.readerFor(type);
        try {
            T value = reader.readValue(body);
            if (value == null) {
                throw new ApiException(400, "invalid_json", "The request body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(400, "validation_failed", "The request has a field this API does not know",
                    List.of(new ApiException.FieldError(e.getPropertyName(), "unknown field")));
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "" : path(e);
            if (field.isEmpty()) {
                throw new ApiException(400, "invalid_json", "The request body must be a JSON object");
            }
            throw new ApiException(400, "validation_failed", "A field has the wrong type",
                    List.of(new ApiException.FieldError(field, "wrong type")));
        } catch (JsonProcessingException e) {
            // the parser's message quotes the input; keep it out of the reply and the logs
            throw new ApiException(400, "invalid_json", "The request body is not valid JSON");
        }
    }

    private static String path(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
