package dev.ferry.core.cdc;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between the reader and the pipeline, bounded in bytes rather than events: {@link #put} waits while the
 * events queued hold {@code capacity} bytes or more (one event always fits, however large). Safe for one producer and
 * one consumer.
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
    private long peakBytes;

    EventQueue(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    void put(ChangeEvent<P> event) throws InterruptedException {
        long size = event.bytes();
        lock.lockInterruptibly();
        try {
            while (bytes > 0 && bytes + size > capacity) {
                notFull.await();
            }
            events.addLast(event);
            bytes += size;
            peakBytes = Math.max(peakBytes, bytes);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits in {@code put} when {@code timeoutMillis} passes without room; returns false then. */
    boolean offer(ChangeEvent<P> event, long timeoutMillis) throws InterruptedException {
        long size = event.bytes();
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lockInterruptibly();
        try {
            while (bytes > 0 && bytes + size > capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            events.addLast(event);
            bytes += size;
            peakBytes = Math.max(peakBytes, bytes);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code chunk} as a whole, waiting up to {@code timeoutMillis} for room; returns false then (nothing
     * queued). One chunk always fits into an empty queue, however large.
     */
    boolean offerAll(java.util.List<ChangeEvent<P>> chunk, long timeoutMillis) throws InterruptedException {
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
            peakBytes = Math.max(peakBytes, bytes);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next event, or null when none arrives within {@code timeoutMillis}. */
    ChangeEvent<P> poll(long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lockInterruptibly();
        try {
            while (events.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            ChangeEvent<P> event = events.removeFirst();
            bytes -= event.bytes();
            notFull.signal();
            return event;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@code max} events into {@code into}, waiting up to {@code timeoutMillis} for the first; returns how
     * many moved. One lock for many events: the reader and the coordinator hand over in bulk.
     */
    int drainTo(java.util.Collection<ChangeEvent<P>> into, int max, long timeoutMillis) throws InterruptedException {
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

    long peakBytes() {
        lock.lock();
        try {
            return peakBytes;
        } finally {
            lock.unlock();
        }
    }
}
