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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code size} validation sessions to one database, opened when first needed with
 * {@link SessionSettings#applyValidation} and kept for the next call until {@link #close}. A session whose statement
 * failed is closed rather than reused (its state is unknown). Thread-safe.
 */
final class ValidationSessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ValidationSessions.class);

    private final DatabaseConnection db;
    private final Duration lockWait;
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
    }

    /** Work on one session. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a free session (waiting for one), translating a failure; {@code doing} names the work. */
    <T> T run(String doing, Work<T> work) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Validation of database %s on %s:%d was stopped"
                    .formatted(db.database(), db.host(), db.port()), e);
        }
        try {
            Connection c = take();
            boolean healthy = false;
            try {
                T result = work.run(c);
                healthy = true;
                return result;
            } catch (SQLException e) {
                throw ValidationErrors.translate(e, db, doing);
            } finally {
                if (healthy) {
                    give(c);
                } else {
                    discard(c);
                }
            }
        } finally {
            permits.release();
        }
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
    }
}
