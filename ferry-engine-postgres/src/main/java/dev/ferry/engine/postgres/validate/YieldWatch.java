package dev.ferry.engine.postgres.validate;

import dev.ferry.core.fault.LockYieldWatch;
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

/**
 * Watches, on one extra session, for sessions that wait for a lock a validation statement holds or waits for ahead
 * of them ({@code pg_blocking_pids} of every session with a lock not granted in {@code pg_locks}, matched against the
 * backend pids of the validation sessions running a statement): a range hash holds the ACCESS SHARE lock of its table, which an
 * {@code ALTER TABLE} waits for, and every later statement on the table queues behind that DDL. The statement gives
 * way at once: it is marked {@linkplain Running#yieldedTo() yielded} and cancelled on the server
 * ({@code pg_cancel_backend}, which ends the statement and so its locks); the caller waits a little and runs it
 * again. Thread-safe.
 */
final class YieldWatch extends LockYieldWatch<Integer, YieldWatch.Running> {
    /** From pg_locks, which every role may read (pg_stat_activity hides other roles' waits from a plain role). */
    private static final String WAITERS = "SELECT w.pid, a.query, pg_catalog.pg_blocking_pids(w.pid) "
            + "FROM (SELECT DISTINCT l.pid FROM pg_catalog.pg_locks l WHERE NOT l.granted AND l.pid IS NOT NULL "
            + "AND l.pid <> pg_catalog.pg_backend_pid()) AS w LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = w.pid";

    /** A statement running on the validation session with backend {@code pid}. */
    static final class Running extends LockYieldWatch.Running<Integer> {
        private Running(int pid) {
            super(pid);
        }
    }

    private final DatabaseConnection db;
    private final Duration lockWait;

    YieldWatch(DatabaseConnection db, Duration lockWait) {
        super(db.database(), lockWait);
        this.db = db;
        this.lockWait = lockWait;
    }

    /** Registers a statement about to run on the session with backend {@code pid}; pass it to {@link #end}. */
    Running start(int pid) {
        return register(new Running(pid));
    }

    @Override
    protected Connection open() throws SQLException {
        Connection c = PgConnector.open(db);
        SessionSettings.applySource(c, lockWait);
        return c;
    }

    private record Waiter(String shape, List<Integer> blockers) {}

    @Override
    protected void watchOnce(Connection c) throws SQLException {
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
                    giveWay(r, w.shape(), () -> {
                        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_cancel_backend(?)")) {
                            ps.setInt(1, pid);
                            ps.executeQuery().close();
                        }
                    });
                }
            }
        }
    }
}
