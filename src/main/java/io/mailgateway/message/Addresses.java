package io.mailgateway.message;

import java.util.List;

import io.mailgateway.api.ApiException.FieldError;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Checks e-mail addresses the way the API promises: one address, syntactically valid, no header injection. */
public final class Addresses {

    private Addresses() {
    }

    public static boolean hasLineBreak(String value) {
        return value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0);
    }

    /** Adds a field error unless {@code value} is one valid address (or absent and not required). */
    public static void checkOne(String field, String value, boolean required, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(new FieldError(field, "required"));
            }
            return;
        }
        if (hasLineBreak(value)) {
            errors.add(new FieldError(field, "must not contain line breaks"));
            return;
        }
        if (!isValid(value)) {
            errors.add(new FieldError(field, "not a valid e-mail address"));
        }
    }

    public static boolean isValid(String value) {
        try {
            InternetAddress[] parsed = InternetAddress.parse(value, true);
            if (parsed.length != 1) {
                return false;
            }
            parsed[0].validate();
            String address = parsed[0].getAddress();
            int at = address.indexOf('@');
            return at > 0 && address.indexOf('.', at) > at + 1 && !address.endsWith(".");
        } catch (AddressException e) {
            return false;
        }
    }
}
