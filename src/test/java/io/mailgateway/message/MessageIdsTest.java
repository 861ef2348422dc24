package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void idsAreVersion7UuidsThatSortByCreationTime() {
        UUID earlier = MessageIds.at(1_700_000_000_000L);
        UUID later = MessageIds.at(1_700_000_000_001L);

        assertThat(earlier.version()).isEqualTo(7);
        assertThat(earlier.variant()).isEqualTo(2);
        assertThat(earlier.getMostSignificantBits() >>> 16).isEqualTo(1_700_000_000_000L);
        // the text form (what the database indexes) sorts in creation order
        assertThat(earlier.toString()).isLessThan(later.toString());
    }

    @Test
    void idsMadeInTheSameMillisecondStillDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(MessageIds.at(1_700_000_000_000L).toString());
        }
        assertThat(ids).hasSize(10_000);
    }
}
