package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.mailgateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fairness priority of a tenant's next message from its backlog (unfinished messages): under 50: 7; under
 * 1,000: 4; more: 1. What the tenant sent before is history and never counts; each count stops at the large-backlog
 * mark, so the statuses are added up to it.
 */
class HandOffPriorityTest extends GatewayTestSupport {

    @Autowired
    HandOffPriority priority;

    @Autowired
    DataSource dataSource;

    @Test
    void historyDoesNotCountOnlyTheUnfinishedBacklogDoes() {
        String tenant = newTenant().id();
        insert(tenant, "SENT", 3000);
        insert(tenant, "DEAD_LETTERED", 200);
        insert(tenant, "QUEUED", 10);
        assertThat(priority.priority(tenant)).isEqualTo(7);
    }

    @Test
    void aMiddleBacklogGetsTheMiddlePriority() {
        String tenant = newTenant().id();
        insert(tenant, "SENT", 2000);
        insert(tenant, "QUEUED", 30);
        insert(tenant, "RETRYING", 30);
        assertThat(priority.priority(tenant)).isEqualTo(4);
    }

    @Test
    void theStatusesAddUpToALargeBacklog() {
        String tenant = newTenant().id();
        // no single status reaches 1,000; together they do
        insert(tenant, "QUEUED", 400);
        insert(tenant, "SENDING", 400);
        insert(tenant, "RETRYING", 300);
        assertThat(priority.priority(tenant)).isEqualTo(1);
    }

    @Test
    void aLargeQueuedBacklogAloneIsLarge() {
        String tenant = newTenant().id();
        insert(tenant, "QUEUED", 1500);
        assertThat(priority.priority(tenant)).isEqualTo(1);
    }

    @Test
    void aBurstCountsAsItIsHandedOffNotOnlyAtTheNextCount() {
        String tenant = newTenant().id();
        List<Integer> priorities = new ArrayList<>();
        // 64 batches of 16 in quick succession, within one count's cache time: nothing is in the database yet
        for (int i = 0; i < 64; i++) {
            priorities.add(priority.priority(tenant, 16));
        }
        assertThat(priorities.subList(0, 4)).as("the first 64 messages: backlog under 50 when each batch was counted")
                .containsOnly(7);
        assertThat(priorities.get(4)).as("after 64 messages").isEqualTo(4);
        assertThat(priorities.get(63)).as("after 1,008 messages").isEqualTo(1);
    }

    private void insert(String tenantId, String status, int count) {
        Timestamp at = Timestamp.from(Instant.now());
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = MessageIds.next();
            rows.add(new Object[] {id, tenantId, status, "<" + id + "@clinic.example>", at, at});
        }
        new JdbcTemplate(dataSource).batchUpdate("""
                insert into message (id, tenant_id, status, attempts, mime_message_id, created_at, updated_at)
                values (?, ?, ?, 1, ?, ?, ?)""", rows);
    }
}
