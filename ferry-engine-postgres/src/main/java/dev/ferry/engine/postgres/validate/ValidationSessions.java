package dev.ferry.engine.postgres.validate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code size} validation sessions to one database, opened when first needed with
 * {@link SessionSettings#applyValidation} and kept for the next call until {@link #close}. A session whose statement
 * failed is closed rather than reused (its state is unknown). Work never keeps a lock an application statement waits
 * for: a statement that holds one gives way ({@link YieldWatch}) and runs again a little later. Thread-safe.
 */
final class ValidationSessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ValidationSessions.class);

    /** The SQLSTATE of a statement cancelled (by {@link YieldWatch} among others). */
    static final String QUERY_CANCELED = "57014";
    /** The first pause after giving way; each next one is twice as long, up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration MAX_PAUSE = Duration.ofSeconds(8);
    /** How long one piece of work keeps giving way before it fails. */
    static final Duration MAX_YIELDING = Duration.ofSeconds(60);

    private final DatabaseConnection db;
    private final Duration lockWait;
    private final YieldWatch watch;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    ValidationSessions(DatabaseConnection db, int size, Duration lockWait) {
        if (size < 1) {
            throw new IllegalArgumentException("sessions must be positive: " + size);
        }
        this.db = db;
        this.lockWait = lockWait;
        this.permits = new Semaphore(size);
        this.watch = new YieldWatch(db, lockWait);
    }

    /** Work on one session. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a free session (waiting for one), translating a failure; {@code doing} names the work.
     * Work that gave way to a session waiting for its lock ({@link YieldWatch}), or that then waited for a lock
     * longer than the lock wait (the session given way to holds it), runs again after a pause (half a second, doubling up to {@link #MAX_PAUSE}) on a fresh
     * session, for at most {@link #MAX_YIELDING} in all; then it fails with {@code UNAVAILABLE}.
     */
    <T> T run(String doing, Work<T> work) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            throw stopped(e);
        }
        try {
            boolean yielded = false;
            long yieldingSince = 0;
            Duration pause = FIRST_PAUSE;
            for (int attempt = 1; ; attempt++) {
                Connection c = take();
                String yieldedTo;
                boolean healthy = false;
                YieldWatch.Running running = watch.start(pid(c, doing));
                try {
                    T result = work.run(c);
                    healthy = true;
                    return result;
                } catch (SQLException e) {
                    // A lock timeout after giving way: the statement given way to still holds the lock.
                    yieldedTo = running.yieldedTo() != null && cancelled(e) ? running.yieldedTo()
                            : yielded && SessionSettings.isLockTimeout(e) ? "the session given way to" : null;
                    if (yieldedTo == null) {
                        throw ValidationErrors.translate(e, db, doing);
                    }
                } finally {
                    watch.end(running);
                    if (healthy) {
                        give(c);
                    } else {
                        discard(c);
                    }
                }
                long now = System.nanoTime();
                if (!yielded) {
                    yielded = true;
                    yieldingSince = now;
                }
                if (Duration.ofNanos(now - yieldingSince).plus(pause).compareTo(MAX_YIELDING) > 0) {
                    throw new FerryException(ErrorCode.UNAVAILABLE, ("Validation of database %s on PostgreSQL at %s:%d "
                            + "gave way %d times in %d s to sessions waiting for its locks (a DDL or an explicit lock "
                            + "on the table) while %s: the table kept being changed; validate it again later")
                            .formatted(db.database(), db.host(), db.port(), attempt,
                                    Duration.ofNanos(now - yieldingSince).toSeconds(), doing));
                }
                log.atInfo().addKeyValue("database", db.database()).addKeyValue("doing", doing)
                        .addKeyValue("waiter", yieldedTo).addKeyValue("pauseMillis", pause.toMillis())
                        .log("validation gave way to a session waiting for a lock; reading again after a pause");
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    throw stopped(e);
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        } finally {
            permits.release();
        }
    }

    private FerryException stopped(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new FerryException(ErrorCode.CANCELLED, "Validation of database %s on %s:%d was stopped"
                .formatted(db.database(), db.host(), db.port()), e);
    }

    private int pid(Connection c, String doing) {
        try {
            return c.unwrap(PGConnection.class).getBackendPID();
        } catch (SQLException e) {
            discard(c);
            throw ValidationErrors.translate(e, db, doing);
        }
    }

    private static boolean cancelled(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && QUERY_CANCELED.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private Connection take() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("validation of " + db.database() + " is closed");
            }
            Connection c = idle.pollFirst();
            if (c != null) {
                return c;
            }
        } finally {
            lock.unlock();
        }
        Connection c = PgConnector.open(db);
        try {
            // A range hash sends nothing until it is done.
            PgConnector.allowLongSilence(c);
            SessionSettings.applyValidation(c, lockWait);
            return c;
        } catch (SQLException e) {
            discard(c);
            throw PgErrors.translate(e, db, "preparing a validation session");
        }
    }

    private void give(Connection c) {
        lock.lock();
        try {
            if (!closed) {
                idle.addFirst(c);
                return;
            }
        } finally {
            lock.unlock();
        }
        discard(c);
    }

    private void discard(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.atDebug().addKeyValue("database", db.database()).setCause(e)
                    .log("closing a validation session failed; the server ends it with the connection");
        }
    }

    @Override
    public void close() {
        Deque<Connection> toClose;
        lock.lock();
        try {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        toClose.forEach(this::discard);
        watch.close();
    }
}
