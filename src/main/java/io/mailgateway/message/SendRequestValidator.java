package io.mailgateway.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.config.GatewayProperties;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import org.springframework.stereotype.Component;

/** Every rule a send request must meet before anything is queued. Each broken rule is one field error. */
@Component
public class SendRequestValidator {

    private final GatewayProperties.Limits limits;

    public SendRequestValidator(GatewayProperties properties) {
        this.limits = properties.limits();
    }

    public List<FieldError> validate(SendRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request.toOrEmpty().isEmpty()) {
            errors.add(new FieldError("to", "at least one recipient is required"));
        }
        checkList("to", request.toOrEmpty(), errors);
        checkList("cc", request.ccOrEmpty(), errors);
        checkList("bcc", request.bccOrEmpty(), errors);
        int recipients = request.toOrEmpty().size() + request.ccOrEmpty().size() + request.bccOrEmpty().size();
        if (recipients > limits.maxRecipients()) {
            errors.add(new FieldError("to", "at most " + limits.maxRecipients()
                    + " recipients in to, cc and bcc together; this request has " + recipients));
        }
        Addresses.checkOne("replyTo", request.replyTo(), false, errors);
        Addresses.checkOne("from", request.from(), false, errors);

        if (request.subject() == null || request.subject().isBlank()) {
            errors.add(new FieldError("subject", "required"));
        } else if (Addresses.hasLineBreak(request.subject())) {
            errors.add(new FieldError("subject", "must not contain line breaks"));
        }
        boolean hasText = request.text() != null && !request.text().isEmpty();
        boolean hasHtml = request.html() != null && !request.html().isEmpty();
        if (!hasText && !hasHtml) {
            errors.add(new FieldError("text", "text or html is required"));
        }

        long size = utf8(request.subject()) + utf8(request.text()) + utf8(request.html());
        List<SendRequest.Attachment> attachments = request.attachmentsOrEmpty();
        for (int i = 0; i < attachments.size(); i++) {
            size += checkAttachment("attachments[" + i + "]", attachments.get(i), errors);
        }
        if (size > limits.maxMessageBytes()) {
            errors.add(new FieldError("attachments", "the message is " + size + " bytes; the limit is "
                    + limits.maxMessageBytes() + " bytes"));
        }
        if (request.metadata() != null && request.metadata().size() > 50) {
            errors.add(new FieldError("metadata", "at most 50 entries"));
        }
        return errors;
    }

    private static void checkList(String field, List<String> addresses, List<FieldError> errors) {
        for (int i = 0; i < addresses.size(); i++) {
            Addresses.checkOne(field + "[" + i + "]", addresses.get(i), true, errors);
        }
    }

    /** Returns the decoded size, 0 when the attachment is broken. */
    private static long checkAttachment(String field, SendRequest.Attachment a, List<FieldError> errors) {
        if (a == null) {
            errors.add(new FieldError(field, "must be an object"));
            return 0;
        }
        if (a.filename() == null || a.filename().isBlank()) {
            errors.add(new FieldError(field + ".filename", "required"));
        } else if (Addresses.hasLineBreak(a.filename()) || a.filename().contains("\"")) {
            errors.add(new FieldError(field + ".filename", "must not contain line breaks or quotes"));
        }
        if (a.contentType() != null) {
            try {
                if (Addresses.hasLineBreak(a.contentType())) {
                    throw new ParseException("line break");
                }
                new ContentType(a.contentType());
            } catch (ParseException e) {
                errors.add(new FieldError(field + ".contentType", "not a valid media type"));
            }
        }
        if (a.contentBase64() == null) {
            errors.add(new FieldError(field + ".contentBase64", "required"));
            return 0;
        }
        try {
            return Base64.getDecoder().decode(a.contentBase64()).length;
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field + ".contentBase64", "not valid base64"));
            return 0;
        }
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
