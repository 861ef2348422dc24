package io.mailgateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import io.mailgateway.settings.SmtpSecurity;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code gateway.*} setting. application.yaml lists each one with its default and a comment.
 */
@Validated
@ConfigurationProperties(prefix = "gateway")
public record GatewayProperties(
        @NotBlank String productName,
        @NotBlank String routesLocation,
        @Valid @NotNull HandOff handOff,
        @Valid @NotNull Api api,
        @Valid @NotNull Retry retry,
        @Valid @NotNull Limits limits,
        @Valid @NotNull Smtp smtp,
        @Valid @NotNull Relay relay,
        @Valid @NotNull Google google,
        @Valid @NotNull Verification verification,
        @Valid @NotNull DeadLetters deadLetters,
        @Valid @NotNull Encryption encryption,
        @Valid @NotNull TenantLimits tenantLimits) {

    /**
     * How fast one tenant's mail may leave, per route type; every tenant has its own limiter for each. Over a limit
     * a message waits (it goes back on the queue for later) and is never failed for it. 0 means no limit.
     * Rate and concurrency are counted per gateway instance; the daily limit is counted in the database.
     */
    public record TenantLimits(@Valid @NotNull RouteLimit platform, @Valid @NotNull RouteLimit smtp,
            @Valid @NotNull RouteLimit gmail) {

        public record RouteLimit(
                /** messages a second, with a burst of this many */
                @Min(0) int messagesPerSecond,
                /** sends in progress at once */
                @Min(0) int concurrentSends,
                /** messages in any 24 hours */
                @Min(0) int perDay) {
        }
    }

    /** How long dead letters (with the patient data in them) are kept, and how often the purge runs. */
    public record DeadLetters(@NotNull Duration retention, @NotNull Duration purgeInterval) {
    }

    /** The SMTP test e-mail's confirmation link. */
    public record Verification(@NotBlank String publicBaseUrl, @NotNull Duration tokenTtl) {
    }

    /** The queue between intake and dispatch. */
    public record HandOff(
            @NotBlank String queue,
            @Min(1) @Max(200) int consumers,
            /** broker-side redelivery delay of a message whose processing failed (rolled back) */
            @NotNull Duration redeliveryDelay,
            @NotNull Duration maxRedeliveryDelay,
            /** how long an accepted message may wait for its hand-off before the outbox route takes over */
            @NotNull Duration outboxGrace,
            @NotNull Duration outboxInterval,
            /** below this many unfinished messages a tenant's mail gets the high priority, above the large one the low */
            @Min(1) int smallBacklog,
            @Min(1) int largeBacklog,
            /** bytes of queued messages each consumer may hold ahead (Artemis consumer window); 0: none */
            @Min(0) int consumerWindowBytes,
            /** at most this many message ids of one tenant travel in one queue message */
            @Min(1) @Max(100) int batchSize,
            /** the hand-off waits this long after the first accepted message of a group for more (bigger batches) */
            @NotNull Duration gather,
            /**
             * whether the embedded broker fsyncs its journal; unset: like the database, that is not beside the
             * embedded H2 (which does not fsync its commits) and always beside any other database. An external
             * broker has its own setting.
             */
            Boolean embeddedJournalFsync) {
    }

    /** Redelivery of transient failures (read by the error policy in routes/error-handling.camel.yaml). */
    public record Retry(
            @Min(0) int maxRedeliveries,
            @Min(0) long initialDelayMs,
            @Min(1) double multiplier,
            @Min(0) long maxDelayMs,
            @Valid @NotNull RateLimited rateLimited) {

        public record RateLimited(@Min(0) int maxRedeliveries, @Min(0) long initialDelayMs, @Min(0) long maxDelayMs) {
        }
    }

    /** The bootstrap admin key; empty means no bootstrap key (create keys through an existing admin key). */
    public record Api(String adminKey) {
    }

    public record Limits(
            @Min(1) @Max(1000) int maxRecipients,
            @Min(1024) long maxMessageBytes) {
    }

    /** How the gateway talks to any SMTP server (tenants' own and the platform relay). */
    public record Smtp(
            @NotNull Duration connectTimeout,
            @NotNull Duration readTimeout,
            @NotNull Duration writeTimeout,
            boolean allowInsecure,
            Path trustStore,
            String trustStorePassword,
            String trustStoreType,
            @Valid @NotNull Pool pool) {

        /** Reused SMTP connections per destination (server and credentials). */
        public record Pool(
                boolean enabled,
                @Min(1) @Max(100) int maxPerDestination,
                @NotNull Duration idleTimeout,
                @Min(1) int maxMessagesPerConnection,
                @NotNull Duration borrowTimeout) {
        }
    }

    /** The platform's own relay: where a tenant's mail goes when it has no route of its own. */
    public record Relay(
            @NotBlank String host,
            @Min(1) @Max(65535) int port,
            @NotNull SmtpSecurity security,
            String username,
            String password) {
    }

    /** Google endpoints and the platform's OAuth client. All URLs are configuration so tests can use a local fake. */
    public record Google(
            String clientId,
            String clientSecret,
            @NotBlank String authorizationUrl,
            @NotBlank String tokenUrl,
            @NotBlank String revokeUrl,
            @NotBlank String userinfoUrl,
            @NotBlank String gmailRootUrl,
            /** where Google sends the browser back: {publicBaseUrl}/oauth/google/callback unless set */
            String redirectUri,
            /** hosts a returnUrl may point at after sign-in (no open redirect) */
            List<String> allowedReturnHosts,
            @NotNull Duration stateTtl) {
    }

    /**
     * AES-GCM key for secrets at rest. keys: "id:base64key" entries, the first one encrypts;
     * generateIn: where the embedded default may create a key file when none is given.
     */
    public record Encryption(List<String> keys, Path generateIn) {
    }
}
