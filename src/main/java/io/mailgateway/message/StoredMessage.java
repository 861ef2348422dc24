package io.mailgateway.message;

import java.time.Instant;

/** A message row as delivery and the status API see it. */
public record StoredMessage(
        String id,
        String tenantId,
        MessageStatus status,
        String route,
        int attempts,
        String idempotencyKey,
        String mimeMessageId,
        String requestJson,
        Instant createdAt,
        Instant sentAt,
        String providerMessageId,
        String lastErrorCategory,
        String lastErrorReply,
        String lastErrorHint,
        /** set while the tenant's sending limits hold the message back: DAILY_LIMIT or RATE_LIMIT */
        String waitingReason,
        Instant waitingUntil) {
}
