package io.mailgateway.failure;

/** A failure the gateway itself already knows the category of (for example a Gmail account that needs sign-in). */
public class DeliveryFailedException extends RuntimeException {

    private final transient Failure failure;

    public DeliveryFailedException(Failure failure) {
        super(failure.category() + ": " + failure.providerReply(), null, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
