package io.mailgateway.failure;

/**
 * A classified delivery failure.
 *
 * @param providerReply what the provider said, on one line (never a secret, never message content)
 */
public record Failure(FailureCategory category, boolean retryable, String providerReply) {

    public String hint() {
        return category.hint();
    }

    public static Failure of(FailureCategory category, String providerReply) {
        return new Failure(category, category.retryable(), providerReply);
    }
}
