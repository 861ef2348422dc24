package io.mailgateway.message;

import java.util.List;
import java.util.Map;

/** The body of {@code POST /api/v1/messages}: the contract upstream systems code against. */
public record SendRequest(
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String replyTo,
        String from,
        String subject,
        String text,
        String html,
        List<Attachment> attachments,
        Map<String, String> metadata) {

    public List<String> toOrEmpty() {
        return to == null ? List.of() : to;
    }

    public List<String> ccOrEmpty() {
        return cc == null ? List.of() : cc;
    }

    public List<String> bccOrEmpty() {
        return bcc == null ? List.of() : bcc;
    }

    public List<Attachment> attachmentsOrEmpty() {
        return attachments == null ? List.of() : attachments;
    }

    /** A file sent with the message, its content in standard base64. */
    public record Attachment(String filename, String contentType, String contentBase64) {
    }

    /** A request as the message table stores it (JSON written at intake). */
    public static SendRequest fromStored(com.fasterxml.jackson.databind.ObjectMapper mapper, String json) {
        try {
            return mapper.readValue(json, SendRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // never quote the JSON: it holds patient data
            throw new IllegalStateException("A stored request is unreadable");
        }
    }
}
