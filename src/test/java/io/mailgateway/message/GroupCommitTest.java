package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.mailgateway.support.GatewayTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/** Writes from many threads share commits, and one bad write fails alone. */
class GroupCommitTest extends GatewayTestSupport {

    @Autowired
    GroupCommit groupCommit;

    @Autowired
    TransactionTemplate tx;

    @BeforeEach
    void probeTable() {
        jdbc.sql("create table if not exists group_commit_probe (id integer primary key, writer varchar(20))").update();
        jdbc.sql("delete from group_commit_probe").update();
    }

    @Test
    void concurrentWritesAreAllCommittedAndADuplicateFailsOnlyItself() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(16);
        List<Future<?>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 400; i++) {
                int id = i == 399 ? 7 : i; // the last one repeats id 7
                results.add(writers.submit(() -> groupCommit.run(() ->
                        jdbc.sql("insert into group_commit_probe (id, writer) values (?, ?)")
                                .params(id, Thread.currentThread().getName()).update())));
            }
            int failed = 0;
            for (Future<?> result : results) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(DuplicateKeyException.class);
                    failed++;
                }
            }
            assertThat(failed).as("only the duplicate fails").isEqualTo(1);
        } finally {
            writers.shutdownNow();
        }
        assertThat(jdbc.sql("select count(*) from group_commit_probe").query(Long.class).single()).isEqualTo(399);
        assertThat(jdbc.sql("select count(distinct writer) from group_commit_probe").query(Long.class).single())
                .as("the writes ran on the one writer thread").isEqualTo(1);
    }

    @Test
    void aQueuedWriteIsCommittedInOrderAfterTheWritesBeforeIt() {
        CompletableFuture<Void> first = groupCommit.submit(() ->
                jdbc.sql("insert into group_commit_probe (id, writer) values (1, 'first')").update());
        groupCommit.run(() ->
                jdbc.sql("update group_commit_probe set writer = 'second' where id = 1").update());
        assertThat(first).isCompleted();
        assertThat(jdbc.sql("select writer from group_commit_probe where id = 1").query(String.class).single())
                .isEqualTo("second");
        assertThatThrownBy(() -> groupCommit.run(() ->
                jdbc.sql("insert into group_commit_probe (id, writer) values (1, 'again')").update()))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void aDeferredWriteIsQueuedAfterItsDelayUnlessCalledOffBefore() {
        GroupCommit.Deferred calledOff = groupCommit.later(Duration.ofMillis(1000), () ->
                jdbc.sql("insert into group_commit_probe (id, writer) values (2, 'called off')").update());
        GroupCommit.Deferred kept = groupCommit.later(Duration.ofMillis(1500), () ->
                jdbc.sql("insert into group_commit_probe (id, writer) values (1, 'kept')").update());
        assertThat(calledOff.cancel()).as("not queued yet: called off").isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() ->
                jdbc.sql("select count(*) from group_commit_probe where id = 1").query(Long.class).single() == 1);
        // the one called off was due first: had it been queued, it would be committed by now
        assertThat(jdbc.sql("select count(*) from group_commit_probe where id = 2").query(Long.class).single())
                .isZero();
        assertThat(kept.cancel()).as("already queued and committed: too late to call it off").isFalse();
        assertThat(calledOff.now()).as("called off: nothing to wait for").isCompleted();
        assertThat(jdbc.sql("select count(*) from group_commit_probe where id = 2").query(Long.class).single())
                .isZero();
    }

    @Test
    void aDeferredWriteCanBeQueuedAtOnce() {
        GroupCommit.Deferred start = groupCommit.later(Duration.ofHours(1), () ->
                jdbc.sql("insert into group_commit_probe (id, writer) values (3, 'now')").update());
        GroupCommit.await(start.now());
        assertThat(jdbc.sql("select writer from group_commit_probe where id = 3").query(String.class).single())
                .isEqualTo("now");
        assertThat(start.now()).as("queued once only").isCompleted();
        assertThat(start.cancel()).isFalse();
    }

    @Test
    void afterStopADeferredWriteIsWrittenAtOnce() throws Exception {
        GroupCommit stopped = new GroupCommit(tx, Duration.ZERO, new SimpleMeterRegistry());
        stopped.stop();
        GroupCommit.Deferred start = stopped.later(Duration.ofHours(1), () ->
                jdbc.sql("insert into group_commit_probe (id, writer) values (4, 'stopping')").update());
        assertThat(jdbc.sql("select writer from group_commit_probe where id = 4").query(String.class).single())
                .isEqualTo("stopping");
        assertThat(start.cancel()).isFalse();
    }
}
