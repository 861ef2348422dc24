package io.mailgateway.api;

import java.util.List;

/** An answer to the API client that is not a success: the status, a short error code and field details. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final transient List<FieldError> details;

    public ApiException(int status, String error, String message, List<FieldError> details) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.details = details == null ? List.of() : List.copyOf(details);
    }

    public ApiException(int status, String error, String message) {
        this(status, error, message, List.of());
    }

    public static ApiException badRequest(List<FieldError> details) {
        return new ApiException(400, "validation_failed", "The request is not valid", details);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public List<FieldError> details() {
        return details;
    }

    /** One problem with one field of the request. */
    public record FieldError(String field, String message) {
    }
}
