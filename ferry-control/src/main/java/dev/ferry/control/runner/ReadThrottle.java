package dev.ferry.control.runner;

import dev.ferry.core.spi.engine.CopyProgress;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caps how fast one database's table copies read the source ({@code readBytesPerSecond}), summed over the tables
 * copying at once: each copy's progress report waits, on the copying thread, until the bytes read so far fit the
 * rate. Engines report progress from their read loop a few times a second, so the wait slows the reading itself.
 * Thread-safe.
 */
final class ReadThrottle {
    private final long bytesPerSecond;
    private final ReentrantLock lock = new ReentrantLock();
    /** The most a pause lets the reads after it run ahead of the rate. */
    private static final long BURST_NANOS = 1_000_000_000L;

    /** How the throttle waits: the real one sleeps; tests record the waits instead. */
    interface Pacer {
        Pacer REAL = new Pacer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void pause(Duration wait) throws InterruptedException {
                Thread.sleep(wait);
            }
        };

        long nanoTime();

        void pause(Duration wait) throws InterruptedException;
    }

    private final Pacer pacer;
    private long startNanos = -1;
    private long dueNanos;

    /** {@code bytesPerSecond} null or not positive: no cap. */
    ReadThrottle(Long bytesPerSecond) {
        this(bytesPerSecond, Pacer.REAL);
    }

    ReadThrottle(Long bytesPerSecond, Pacer pacer) {
        this.bytesPerSecond = bytesPerSecond == null ? 0 : bytesPerSecond;
        this.pacer = pacer;
    }

    /** {@code progress}, whose reports wait for the rate; {@code progress} itself when there is no cap. */
    CopyProgress around(CopyProgress progress) {
        if (bytesPerSecond <= 0) {
            return progress;
        }
        return new CopyProgress() {
            private long reported;

            @Override
            public void copied(long rowsSoFar, long bytesSoFar) {
                long more = bytesSoFar - reported;
                reported = bytesSoFar;
                progress.copied(rowsSoFar, bytesSoFar);
                take(more);
            }

            @Override
            public void chunkCopied(String chunk, long rows, long chunkBytes) {
                progress.chunkCopied(chunk, rows, chunkBytes);
            }

            @Override
            public void rowsLoaded() {
                progress.rowsLoaded();
            }

            @Override
            public void yielded(String waiter) {
                reported = 0;
                progress.yielded(waiter);
            }

            @Override
            public void blocking(String waiter) {
                progress.blocking(waiter);
            }

            @Override
            public void faulted(int attempt, String error, Duration retryIn) {
                progress.faulted(attempt, error, retryIn);
            }

            @Override
            public void recovered() {
                progress.recovered();
            }
        };
    }

    private void take(long more) {
        if (more <= 0) {
            return;
        }
        long waitNanos;
        lock.lock();
        try {
            // The bytes are due at the rate, but a pause (a yield, a fault, tables waiting) earns at most
            // BURST of credit: the reads after it do not run unthrottled to catch up.
            long now = pacer.nanoTime();
            long earliest = now - BURST_NANOS;
            if (startNanos < 0 || dueNanos < earliest) {
                dueNanos = startNanos < 0 ? now : earliest;
                startNanos = now;
            }
            dueNanos += (long) (more * 1e9 / bytesPerSecond);
            waitNanos = dueNanos - now;
        } finally {
            lock.unlock();
        }
        if (waitNanos > 0) {
            try {
                pacer.pause(Duration.ofNanos(waitNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
