package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.Closing;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.StatementShape;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, on one extra session, for sessions that wait for a lock one of the copy sessions holds (or waits for
 * ahead of them): PostgreSQL's {@code pg_blocking_pids} of every session waiting on a lock, matched against the
 * backend pids of the sessions the {@link SessionPool} handed out. A copy session holds the ACCESS SHARE lock of
 * the table it reads, which an {@code ALTER TABLE} waits for, and every later statement on the table queues
 * behind that DDL. Giving way ({@code yieldToDdl}): the table's copy is marked in {@link Yields} and its sessions
 * are ended on the server ({@code pg_terminate_backend}, which releases their locks at once, even while a session
 * is stuck sending rows); the copy then waits for the waiter's transaction and reads the table again from a new
 * point. Otherwise the waiter is reported once and keeps waiting. Polls every quarter of the lock wait (at most
 * 250 ms) on its own virtual thread until closed.
 */
final class LockWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LockWatcher.class);
    private static final String WAITERS = "SELECT a.pid, a.xact_start::text, a.query, pg_catalog.pg_blocking_pids(a.pid) "
            + "FROM pg_catalog.pg_stat_activity a WHERE a.wait_event_type = 'Lock' AND a.pid <> pg_catalog.pg_backend_pid()";

    /** Who hears about a waiter the copy does not give way to. */
    interface Listener {
        void blocking(TableRef table, String waiter);
    }

    private final DatabaseConnection source;
    private final SessionPool sessions;
    private final Yields yields;
    private final boolean yieldToDdl;
    private final Duration lockWait;
    private final Duration poll;
    private final Listener listener;
    private final Set<String> reported = new HashSet<>();
    private volatile boolean stopped;
    private Thread thread;

    LockWatcher(DatabaseConnection source, SessionPool sessions, Yields yields, boolean yieldToDdl, Duration lockWait,
            Listener listener) {
        this.source = source;
        this.sessions = sessions;
        this.yields = yields;
        this.yieldToDdl = yieldToDdl;
        this.lockWait = lockWait;
        this.poll = Duration.ofMillis(Math.max(50, Math.min(250, lockWait.toMillis() / 4)));
        this.listener = listener;
    }

    LockWatcher start() {
        thread = Thread.ofVirtual().name("ferry-lock-watch-" + source.database()).start(this::run);
        return this;
    }

    private void run() {
        Connection c = null;
        try {
            while (!stopped) {
                try {
                    Map<Integer, TableRef> holders = sessions.holders();
                    if (!holders.isEmpty()) {
                        if (c == null) {
                            c = ExportedSnapshot.openSession(source, lockWait);
                        }
                        watchOnce(c, holders);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    log.atWarn().addKeyValue("database", source.database()).addKeyValue("error", e.getMessage())
                            .log("watching for sessions waiting on the copy's locks failed; trying again");
                    Closing.quietly(c, "the watcher session");
                    c = null;
                }
                Thread.sleep(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Closing.quietly(c, "the watcher session");
        }
    }

    private record Waiting(Yields.Waiter waiter, List<Integer> blockers) {}

    private void watchOnce(Connection c, Map<Integer, TableRef> holders) throws SQLException {
        List<Waiting> waiting = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(WAITERS)) {
            while (rs.next()) {
                Array array = rs.getArray(4);
                List<Integer> blockers = new ArrayList<>();
                for (Integer pid : (Integer[]) array.getArray()) {
                    blockers.add(pid);
                }
                array.free();
                if (blockers.stream().anyMatch(holders::containsKey) && !holders.containsKey(rs.getInt(1))) {
                    String shape = "session %d: %s".formatted(rs.getInt(1), StatementShape.of(rs.getString(3)));
                    waiting.add(new Waiting(new Yields.Waiter(rs.getInt(1), rs.getString(2), shape), blockers));
                }
            }
        }
        for (Waiting w : waiting) {
            Set<TableRef> tables = new HashSet<>();
            w.blockers().stream().filter(holders::containsKey).forEach(pid -> tables.add(holders.get(pid)));
            for (TableRef table : tables) {
                if (yieldToDdl && yields.mark(table, w.waiter()) && giveWay(c, table, w.waiter(), holders)) {
                    continue;
                }
                if (!yieldToDdl && reported.add(w.waiter().pid() + "/" + w.waiter().transactionStart() + "/" + table)) {
                    log.atWarn().addKeyValue("database", source.database()).addKeyValue("table", table.toString())
                            .addKeyValue("waiter", w.waiter().shape())
                            .log("a session waits for the lock of a table being copied; keeping the snapshot");
                    listener.blocking(table, w.waiter().shape());
                }
            }
        }
    }

    /** Ends the sessions reading {@code table}; false when the server refused (the waiter is then reported). */
    private boolean giveWay(Connection c, TableRef table, Yields.Waiter waiter, Map<Integer, TableRef> holders)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
            for (Map.Entry<Integer, TableRef> holder : holders.entrySet()) {
                if (holder.getValue().equals(table)) {
                    ps.setInt(1, holder.getKey());
                    ps.executeQuery().close();
                }
            }
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            yields.take(table);
            if (reported.add(waiter.pid() + "/" + waiter.transactionStart() + "/" + table)) {
                log.atWarn().addKeyValue("database", source.database()).addKeyValue("table", table.toString())
                        .addKeyValue("waiter", waiter.shape()).log("not allowed to end the copy's own sessions; "
                                + "the waiting session waits until the table is copied");
                listener.blocking(table, waiter.shape());
            }
            return false;
        }
        log.atInfo().addKeyValue("database", source.database()).addKeyValue("table", table.toString())
                .addKeyValue("waiter", waiter.shape()).log("gave way to a session waiting for the copy's lock");
        return true;
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
