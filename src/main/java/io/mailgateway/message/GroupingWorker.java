package io.mailgateway.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One thread that takes whatever is queued, in groups of at most {@code maxGroup} in arrival order, and hands each
 * group to a handler: under load the groups grow by themselves. With a gathering time, a group that is not full
 * waits that long after its first item for more (a single item on an idle worker waits that long too); without
 * one, an idle worker hands a single item on at once. Used by the group commit and the hand-off. The handler
 * deals with its own failures; one that escapes is logged and the worker goes on with the next group.
 */
final class GroupingWorker<T> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupingWorker.class);

    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final int maxGroup;
    private final long gatherNanos;
    private final Consumer<List<T>> handler;
    private final Thread thread;
    private volatile boolean running = true;

    GroupingWorker(String name, int maxGroup, Duration gather, Consumer<List<T>> handler) {
        this.maxGroup = maxGroup;
        this.gatherNanos = gather.toNanos();
        this.handler = handler;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    boolean running() {
        return running;
    }

    void add(T item) {
        queue.add(item);
    }

    /** Takes an item back if the worker has not taken it yet. */
    boolean remove(T item) {
        return queue.remove(item);
    }

    /** Takes what the worker left (after {@link #stop}). */
    T poll() {
        return queue.poll();
    }

    /** Stops taking new groups once the queue is empty, and waits up to the timeout for the last one. */
    void stop(long timeoutMillis) throws InterruptedException {
        running = false;
        thread.join(timeoutMillis);
    }

    /** Adds what arrives until the group is full or the deadline has passed. */
    private void gather(List<T> group, long deadline) throws InterruptedException {
        long left;
        while (group.size() < maxGroup && (left = deadline - System.nanoTime()) > 0) {
            T next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            group.add(next);
            queue.drainTo(group, maxGroup - group.size());
        }
    }

    private void loop() {
        List<T> group = new ArrayList<>(maxGroup);
        while (running || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                if (gatherNanos > 0) {
                    gather(group, System.nanoTime() + gatherNanos);
                }
                handler.accept(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("{}: a group of {} failed: {}", thread.getName(), group.size(), e.toString());
            } finally {
                group.clear();
            }
        }
    }
}
