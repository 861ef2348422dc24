package io.mailgateway.message;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the writes on the hot path (accepting a message, marking it handed off, starting and ending an
 * attempt). Callers on many threads hand their write to one writer thread, which runs everything waiting in one
 * transaction and commits once: the cost of a commit (an fsync, and for H2 the rewrite of the touched pages) is
 * paid once per group instead of once per write. A caller that needs its write durable waits for the commit
 * ({@link #run}); one that does not, only queues it ({@link #submit}). Writes keep their order. A group that is
 * not full waits {@code gateway.group-commit.gather} after its first write for more: at moderate load the groups
 * would otherwise be a write or two, and every commit rewrites (and writes to disk) the pages it touched.
 *
 * <p>A write may also be deferred ({@link #later}): it is queued only after a delay, unless it was called off
 * before. The delivery uses that for the start of an attempt, which a send that ends sooner writes together with its
 * end, in one statement.
 *
 * <p>When a group fails (a unique key, a lost connection), it is rolled back and each write is run again in a
 * transaction of its own, so one bad write fails alone and the others are still committed.
 */
@Component("groupCommit")
public class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_GROUP = 256;

    private final TransactionTemplate tx;
    private final GroupingWorker<Write> writer;
    private final DistributionSummary groupSizes;

    // a deferred write called off leaves the timer's queue at once (most are: the timer wakes only for the rest)
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "group-commit-later");
        t.setDaemon(true);
        return t;
    });

    private record Write(Runnable work, CompletableFuture<Void> done) {
    }

    public GroupCommit(TransactionTemplate tx, @Value("${gateway.group-commit.gather:2ms}") Duration gather,
            MeterRegistry registry) {
        this.tx = tx;
        this.timer.setRemoveOnCancelPolicy(true);
        this.groupSizes = DistributionSummary.builder("mailgateway.group.commit.writes")
                .description("Writes committed together in one transaction by the group commit").register(registry);
        this.writer = new GroupingWorker<>("group-commit", MAX_GROUP, gather, this::commit);
    }

    /** Queues a write; the future completes when it is committed (or fails with the write's own error). */
    public CompletableFuture<Void> submit(Runnable work) {
        Write write = new Write(work, new CompletableFuture<>());
        if (!writer.running()) {
            // shutting down: the writer may be gone, so write at once in a transaction of its own
            runAlone(write);
            return write.done();
        }
        writer.add(write);
        if (!writer.running() && writer.remove(write)) {
            // the writer stopped while this was being queued
            runAlone(write);
        }
        return write.done();
    }

    /**
     * A write queued after {@code delay}, unless {@link Deferred#cancel} comes first; {@link Deferred#now} queues it
     * at once.
     */
    public Deferred later(Duration delay, Runnable work) {
        Deferred deferred = new Deferred(work);
        try {
            deferred.timeout = timer.schedule(deferred::now, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // shutting down: no more waiting, the write is queued at once
            deferred.now();
        }
        return deferred;
    }

    /** A write waiting to be queued: exactly one of {@link #cancel} and {@link #now} decides its fate. */
    public final class Deferred {

        private static final CompletableFuture<Void> CANCELLED = CompletableFuture.completedFuture(null);

        private final Runnable work;
        private final AtomicReference<CompletableFuture<Void>> queued = new AtomicReference<>();
        private volatile ScheduledFuture<?> timeout;

        private Deferred(Runnable work) {
            this.work = work;
        }

        /** Calls the write off; false when it is already queued (it will be committed). */
        public boolean cancel() {
            if (!queued.compareAndSet(null, CANCELLED)) {
                return false;
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            return true;
        }

        /** Queues the write if it is neither queued nor called off; the future completes when it is committed. */
        public CompletableFuture<Void> now() {
            CompletableFuture<Void> written = queued.get();
            if (written != null) {
                return written;
            }
            CompletableFuture<Void> claim = new CompletableFuture<>();
            if (!queued.compareAndSet(null, claim)) {
                return queued.get();
            }
            submit(work).whenComplete((ok, failed) -> {
                if (failed != null) {
                    claim.completeExceptionally(failed);
                } else {
                    claim.complete(null);
                }
            });
            return claim;
        }
    }

    /** Runs a write and returns once it is committed; its exception, if any, is thrown here. */
    public void run(Runnable work) {
        await(submit(work));
    }

    /** Waits for a write queued earlier; its exception, if any, is thrown here. */
    public static void await(CompletableFuture<Void> written) {
        try {
            written.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CompletionException(cause);
        }
    }

    private void commit(List<Write> group) {
        groupSizes.record(group.size());
        if (group.size() == 1) {
            runAlone(group.get(0));
            return;
        }
        try {
            tx.executeWithoutResult(status -> group.forEach(w -> w.work().run()));
            group.forEach(w -> w.done().complete(null));
        } catch (RuntimeException groupFailed) {
            // find the write that failed: each on its own, in order
            group.forEach(this::runAlone);
        } catch (Error e) {
            // never leave a caller waiting
            group.forEach(w -> w.done().completeExceptionally(e));
            LOG.error("Group commit failed: {}", e.toString());
        }
    }

    private void runAlone(Write write) {
        try {
            tx.executeWithoutResult(status -> write.work().run());
            write.done().complete(null);
        } catch (RuntimeException | Error e) {
            write.done().completeExceptionally(e);
        }
    }

    /** Commits what is still queued, then stops the writer; later writes are committed one by one. */
    @PreDestroy
    public void stop() throws InterruptedException {
        // a deferred write still waiting belongs to an attempt still running (the consumers have stopped): like one
        // cut short by a crash, its start is not recorded, and its message is delivered again
        timer.shutdownNow();
        writer.stop(TimeUnit.SECONDS.toMillis(30));
        Write left;
        while ((left = writer.poll()) != null) {
            runAlone(left);
        }
    }
}
