package dev.ferry.core.cdc;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between the reader and the pipeline, bounded in bytes rather than events: {@link #offerAll} waits while
 * the events queued hold {@code capacity} bytes or more (one chunk always fits into an empty queue, however large).
 * Both sides hand over in bulk, one lock for many events. Safe for one producer and one consumer.
 *
 * @param <P> the engine's position type
 */
final class EventQueue<P> {
    private final long capacity;
    private final ArrayDeque<ChangeEvent<P>> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private long bytes;

    EventQueue(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * Queues {@code chunk} as a whole, waiting up to {@code timeoutMillis} for room; returns false then (nothing
     * queued).
     */
    boolean offerAll(List<ChangeEvent<P>> chunk, long timeoutMillis) throws InterruptedException {
        long size = 0;
        for (ChangeEvent<P> event : chunk) {
            size += event.bytes();
        }
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lockInterruptibly();
        try {
            while (bytes > 0 && bytes + size > capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            events.addAll(chunk);
            bytes += size;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@code max} events into {@code into}, waiting up to {@code timeoutMillis} for the first; returns how
     * many moved.
     */
    int drainTo(Collection<ChangeEvent<P>> into, int max, long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lockInterruptibly();
        try {
            while (events.isEmpty()) {
                if (nanos <= 0) {
                    return 0;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            int n = 0;
            while (n < max && !events.isEmpty()) {
                ChangeEvent<P> event = events.removeFirst();
                bytes -= event.bytes();
                into.add(event);
                n++;
            }
            notFull.signal();
            return n;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
