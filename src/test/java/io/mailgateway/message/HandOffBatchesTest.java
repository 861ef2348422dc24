package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.mailgateway.message.HandOff.Batch;
import io.mailgateway.message.HandOff.Pending;
import org.junit.jupiter.api.Test;

/** How a group of accepted messages becomes queue messages: per tenant, in order, at most the batch size in one. */
class HandOffBatchesTest {

    @Test
    void eachTenantsIdsTravelTogetherInTheirOrderAndNoBatchIsLargerThanTheLimit() {
        List<Pending> group = List.of(new Pending("a1", "chain"), new Pending("b1", "small"), new Pending("a2", "chain"),
                new Pending("a3", "chain"), new Pending("b2", "small"), new Pending("a4", "chain"),
                new Pending("c1", "third"));

        assertThat(HandOff.batches(group, 3)).containsExactly(
                new Batch("chain", List.of("a1", "a2", "a3")),
                new Batch("chain", List.of("a4")),
                new Batch("small", List.of("b1", "b2")),
                new Batch("third", List.of("c1")));
        assertThat(HandOff.batches(group, 1)).hasSize(7).allMatch(b -> b.messageIds().size() == 1);
        assertThat(new Batch("chain", List.of("a1", "a2")).body()).isEqualTo("a1,a2");
    }
}
