package dev.ferry.engine.postgres.validate;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.StatementShape;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.SessionSettings;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, on one extra session, for sessions that wait for a lock a validation statement holds or waits for ahead
 * of them ({@code pg_blocking_pids} of every session with a lock not granted in {@code pg_locks}, matched against the
 * backend pids of the validation sessions running a statement): a range hash holds the ACCESS SHARE lock of its table, which an
 * {@code ALTER TABLE} waits for, and every later statement on the table queues behind that DDL. The statement gives
 * way at once: it is marked {@linkplain Running#yieldedTo() yielded} and cancelled on the server
 * ({@code pg_cancel_backend}, which ends the statement and so its locks); the caller waits a little and runs it
 * again. Polls every quarter of the lock wait (at most 250 ms) on its own virtual thread while a statement runs,
 * until closed. Thread-safe.
 */
final class YieldWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(YieldWatch.class);
    /** From pg_locks, which every role may read (pg_stat_activity hides other roles' waits from a plain role). */
    private static final String WAITERS = "SELECT w.pid, a.query, pg_catalog.pg_blocking_pids(w.pid) "
            + "FROM (SELECT DISTINCT l.pid FROM pg_catalog.pg_locks l WHERE NOT l.granted AND l.pid IS NOT NULL "
            + "AND l.pid <> pg_catalog.pg_backend_pid()) AS w LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = w.pid";

    /** A statement running on the validation session with backend {@code pid}. */
    static final class Running {
        private final int pid;
        private final ReentrantLock lock = new ReentrantLock();
        private boolean ended;
        private volatile String yieldedTo;

        private Running(int pid) {
            this.pid = pid;
        }

        /** The waiting statement (its shape) this one was cancelled for; null while it was not. */
        String yieldedTo() {
            return yieldedTo;
        }
    }

    private final DatabaseConnection db;
    private final Duration lockWait;
    private final Duration poll;
    private final ConcurrentMap<Integer, Running> running = new ConcurrentHashMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean stopped;
    private Thread thread;

    YieldWatch(DatabaseConnection db, Duration lockWait) {
        this.db = db;
        this.lockWait = lockWait;
        this.poll = Duration.ofMillis(Math.max(50, Math.min(250, lockWait.toMillis() / 4)));
    }

    /** Registers a statement about to run on the session with backend {@code pid}; pass it to {@link #end}. */
    Running start(int pid) {
        Running r = new Running(pid);
        running.put(pid, r);
        lifecycle.lock();
        try {
            if (thread == null && !stopped) {
                thread = Thread.ofVirtual().name("ferry-validation-yield-" + db.database()).start(this::run);
            }
        } finally {
            lifecycle.unlock();
        }
        return r;
    }

    /** The statement ended (either way): it is no longer cancelled for a waiter. */
    void end(Running r) {
        r.lock.lock();
        try {
            r.ended = true;
            running.remove(r.pid, r);
        } finally {
            r.lock.unlock();
        }
    }

    private void run() {
        Connection c = null;
        try {
            while (!stopped) {
                try {
                    if (!running.isEmpty()) {
                        if (c == null) {
                            c = PgConnector.open(db);
                            SessionSettings.applySource(c, lockWait);
                        }
                        watchOnce(c);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    log.atWarn().addKeyValue("database", db.database()).addKeyValue("error", e.getMessage())
                            .log("watching for sessions waiting on validation's locks failed; trying again");
                    closeQuietly(c);
                    c = null;
                }
                Thread.sleep(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(c);
        }
    }

    private record Waiter(String shape, List<Integer> blockers) {}

    private void watchOnce(Connection c) throws SQLException {
        List<Waiter> waiters = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(WAITERS)) {
            while (rs.next()) {
                if (running.containsKey(rs.getInt(1))) {
                    continue;
                }
                Array array = rs.getArray(3);
                List<Integer> blockers = new ArrayList<>();
                for (Integer pid : (Integer[]) array.getArray()) {
                    if (running.containsKey(pid)) {
                        blockers.add(pid);
                    }
                }
                array.free();
                if (!blockers.isEmpty()) {
                    waiters.add(new Waiter("session %d: %s".formatted(rs.getInt(1), StatementShape.of(rs.getString(2))),
                            blockers));
                }
            }
        }
        for (Waiter w : waiters) {
            for (int pid : w.blockers()) {
                Running r = running.get(pid);
                if (r != null) {
                    cancel(c, r, w.shape());
                }
            }
        }
    }

    /**
     * Cancels {@code r}'s statement unless it ended or was cancelled already. Holding {@code r}'s lock, the session
     * cannot start its next statement meanwhile: a cancel that arrives after the statement ended finds the session
     * idle, where the server ignores it.
     */
    private void cancel(Connection c, Running r, String waiter) throws SQLException {
        r.lock.lock();
        try {
            if (r.ended || r.yieldedTo != null) {
                return;
            }
            // Marked first: the statement may fail before the cancel returns.
            r.yieldedTo = waiter;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_cancel_backend(?)")) {
                ps.setInt(1, r.pid);
                ps.executeQuery().close();
            } catch (SQLException e) {
                r.yieldedTo = null;
                throw e;
            }
        } finally {
            r.lock.unlock();
        }
        log.atInfo().addKeyValue("database", db.database()).addKeyValue("waiter", waiter)
                .log("a validation statement gave way to a session waiting for its lock");
    }

    @Override
    public void close() {
        Thread t;
        lifecycle.lock();
        try {
            stopped = true;
            t = thread;
        } finally {
            lifecycle.unlock();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing the validation watcher session failed");
        }
    }
}
