package dev.ferry.core.fault;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a bulk load (PostgreSQL COPY, MySQL LOAD DATA) that stopped moving. A read waits at most the stall timeout for the server's next byte (the
 * driver's socket timeout), but a write has no timeout: a destination that takes no more bytes (a stalled
 * network, a hung server whose kernel still acknowledges) blocks the writing thread for as long as it lasts. When
 * nothing was read or written for the stall timeout, the watch aborts the destination connection: the blocked
 * write then fails as a lost connection, which the job's retrier retries. One per load; {@code table} names it in the log. Thread-safe.
 */
public final class StallWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StallWatch.class);

    private final Connection destination;
    private final Duration timeout;
    private final Object table;
    private final Thread watcher;
    private volatile long lastMove = System.nanoTime();
    private volatile boolean done;
    private volatile boolean fired;

    private StallWatch(Connection destination, Duration timeout, Object table) {
        this.destination = destination;
        this.timeout = timeout;
        this.table = table;
        this.watcher = Thread.ofVirtual().name("copy-watch").start(this::watch);
    }

    /** Watches a COPY into {@code destination}; close it when the COPY ends, however it ends. */
    public static StallWatch start(Connection destination, Duration timeout, Object table) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the stall timeout must be positive");
        }
        return new StallWatch(destination, timeout, table);
    }

    /** Bytes went through: the COPY moves. */
    public void moved() {
        lastMove = System.nanoTime();
    }

    /** Whether the watch aborted the destination connection. */
    public boolean fired() {
        return fired;
    }

    private void watch() {
        long step = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        while (!done) {
            try {
                TimeUnit.MILLISECONDS.sleep(step);
            } catch (InterruptedException e) {
                return;
            }
            if (!done && System.nanoTime() - lastMove >= timeout.toNanos()) {
                fired = true;
                log.atWarn().addKeyValue("table", table).addKeyValue("seconds", timeout.toSeconds())
                        .log("the copy has not moved for the stall timeout; ending the destination connection");
                try {
                    destination.abort(Runnable::run);
                } catch (SQLException | RuntimeException e) {
                    log.atWarn().addKeyValue("table", table).setCause(e).log("could not abort the stalled destination connection");
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        done = true;
        watcher.interrupt();
    }
}
