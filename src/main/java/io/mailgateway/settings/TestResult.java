package io.mailgateway.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mailgateway.failure.Failure;

/** What a test e-mail did: SENT, or FAILED with the category, the provider's reply and a hint a clinic can act on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestResult(String result, String category, String providerReply, String hint) {

    public static TestResult sent() {
        return new TestResult("SENT", null, null, null);
    }

    public static TestResult failed(Failure failure) {
        return new TestResult("FAILED", failure.category().name(), failure.providerReply(), failure.hint());
    }
}
