package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.Closing;
import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.StatementShape;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, on one extra connection, for sessions that wait for a table metadata lock that the snapshot's
 * transactions hold, and makes the copy give way. A MySQL/MariaDB transaction keeps the metadata lock of every
 * table it read until it ends, so a DDL on such a table ({@code ALTER TABLE}, {@code CREATE INDEX}) waits for it,
 * and every later statement on that table queues behind the DDL.
 *
 * <p>A waiter is a session in the state "Waiting for table metadata lock" (the process list, which needs the
 * PROCESS privilege to show other users' sessions) whose statement names one of the tables the current point's
 * transactions hold. The process list does not say whose lock is waited for, so that match is the evidence; each
 * waiter is given way at most once, so a DDL waiting for someone else's lock cannot make the copy start over and
 * over. Giving way ({@code yieldToDdl}): the current point is retired and its transactions killed on the server
 * (which releases their locks at once), the copies in flight are told, the watcher waits until the waiter's
 * statement is done, and then opens a new consistent point from which the copies start again. Otherwise
 * ({@code yieldToDdl: false}) the waiter is reported and keeps waiting. Runs on its own virtual thread until closed.
 */
final class MetadataLockWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataLockWatcher.class);
    private static final String MDL_WAIT = "Waiting for table metadata lock";
    private static final int RENEWAL_ATTEMPTS = 8;
    private static final Backoff RENEWAL_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));
    private static final Duration DDL_WAIT_POLL = Duration.ofMillis(200);

    /** Who hears about waiters: the copies in flight. */
    interface Listener {
        /** The copy gave way to {@code waiter}, which waited for {@code table}. */
        void yielded(TableRef table, String waiter);

        /** {@code waiter} waits for {@code table}, and the copy keeps its point. */
        void blocking(TableRef table, String waiter);
    }

    /** A waiting session: its thread id, default database and statement. */
    private record Waiter(long id, String database, String statement) {}

    private final MySqlConnector connector;
    private final DatabaseConnection source;
    private final String database;
    private final WorkerPool pool;
    private final Collection<TableRef> snapshotTables;
    private final boolean yieldToDdl;
    private final Duration poll;
    private final Supplier<WorkerPool.Epoch> nextPoint;
    private final Listener listener;
    private final Set<Waiter> seen = new HashSet<>();
    private volatile boolean stopped;
    private Thread thread;
    private int firstEpoch = -1;

    /** The collaborators; {@code nextPoint} opens a new consistent point (blocking). */
    record Settings(boolean yieldToDdl, Duration lockWait) {}

    MetadataLockWatcher(MySqlConnector connector, DatabaseConnection source, String database, WorkerPool pool,
            Collection<TableRef> snapshotTables, Settings settings, Supplier<WorkerPool.Epoch> nextPoint, Listener listener) {
        this.connector = connector;
        this.source = source;
        this.database = database;
        this.pool = pool;
        this.snapshotTables = List.copyOf(snapshotTables);
        this.yieldToDdl = settings.yieldToDdl();
        long quarter = settings.lockWait().toMillis() / 4;
        this.poll = Duration.ofMillis(Math.max(50, Math.min(250, quarter)));
        this.nextPoint = nextPoint;
        this.listener = listener;
    }

    /** Starts watching on a virtual thread. */
    MetadataLockWatcher start() {
        firstEpoch = pool.epoch().number();
        thread = Thread.ofVirtual().name("ferry-mdl-watch-" + database).start(this::run);
        return this;
    }

    private void run() {
        Connection c = null;
        try {
            while (!stopped) {
                try {
                    if (c == null) {
                        c = connector.open(source, database, MySqlConnector.Role.SOURCE);
                    }
                    watchOnce(c);
                } catch (SQLException | FerryException e) {
                    if (stopped) {
                        return;
                    }
                    log.atWarn().addKeyValue("database", database).addKeyValue("error", e.getMessage())
                            .log("watching for sessions waiting on the snapshot's locks failed; trying again");
                    Closing.quietly(c, "the watcher connection");
                    c = null;
                }
                Thread.sleep(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Closing.quietly(c, "the watcher connection");
        }
    }

    private void watchOnce(Connection c) throws SQLException, InterruptedException {
        List<Waiter> waiters = Sql.query(c, "SELECT ID, DB, INFO FROM information_schema.PROCESSLIST WHERE STATE = ?"
                + " AND ID <> CONNECTION_ID()", rs -> new Waiter(rs.getLong(1), rs.getString(2), rs.getString(3)), MDL_WAIT);
        if (waiters.isEmpty()) {
            return;
        }
        Set<Long> ours = pool.threadIds();
        WorkerPool.Epoch epoch = pool.epoch();
        Collection<TableRef> held = epoch.number() == firstEpoch ? snapshotTables : pool.touched();
        for (Waiter w : waiters) {
            if (ours.contains(w.id()) || seen.contains(w)) {
                continue;
            }
            Optional<TableRef> table = named(w, held);
            log.atDebug().addKeyValue("database", database).addKeyValue("waiter", w.id()).addKeyValue("held", held)
                    .addKeyValue("table", table.map(TableRef::toString).orElse("")).log("a session waits for a metadata lock");
            if (table.isEmpty()) {
                continue;
            }
            seen.add(w);
            String shape = "session %d: %s".formatted(w.id(), StatementShape.of(w.statement(), true));
            if (!yieldToDdl) {
                log.atWarn().addKeyValue("database", database).addKeyValue("table", table.get().toString())
                        .addKeyValue("waiter", shape).log("a session waits for the snapshot's metadata lock; keeping the point");
                listener.blocking(table.get(), shape);
                continue;
            }
            giveWay(c, w, table.get(), shape);
            return;
        }
    }

    private void giveWay(Connection c, Waiter w, TableRef table, String shape) throws SQLException, InterruptedException {
        WorkerPool.Epoch retired = pool.retire();
        for (long id : retired.threadIds().values()) {
            try {
                Sql.execute(c, "KILL CONNECTION " + id);
            } catch (SQLException e) {
                if (e.getErrorCode() != SqlErrors.NO_SUCH_THREAD) {
                    throw e;
                }
            }
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("table", table.toString()).addKeyValue("waiter", shape)
                .addKeyValue("point", retired.number()).log("gave way to a session waiting for the snapshot's lock");
        listener.yielded(table, shape);
        awaitDone(c, w);
        pool.install(openNext());
    }

    /** Waits until the waiter's statement is over (done, failed or cancelled). */
    private void awaitDone(Connection c, Waiter w) throws SQLException, InterruptedException {
        while (!stopped) {
            Optional<String> running = Sql.queryOne(c, "SELECT COALESCE(INFO, '') FROM information_schema.PROCESSLIST WHERE ID = ?",
                    rs -> rs.getString(1), w.id());
            if (running.isEmpty() || !running.get().equals(w.statement() == null ? "" : w.statement())) {
                return;
            }
            Thread.sleep(DDL_WAIT_POLL);
        }
    }

    private WorkerPool.Epoch openNext() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return nextPoint.get();
            } catch (RuntimeException e) {
                if (stopped || attempt == RENEWAL_ATTEMPTS) {
                    RuntimeException failure = e instanceof FerryException fe ? fe : new FerryException(ErrorCode.UNAVAILABLE,
                            "Could not open a new consistent snapshot of database %s on %s:%d after giving way to another "
                                    .formatted(database, source.host(), source.port()) + "session; resume the job", e);
                    pool.failRenewal(failure);
                    throw failure;
                }
                Duration pause = RENEWAL_BACKOFF.delay(attempt, ThreadLocalRandom.current());
                log.atWarn().addKeyValue("database", database).addKeyValue("attempt", attempt).addKeyValue("error", e.getMessage())
                        .log("opening a new consistent snapshot failed; trying again");
                Thread.sleep(pause);
            }
        }
    }

    /** The held table the waiter's statement names, if any. */
    private Optional<TableRef> named(Waiter w, Collection<TableRef> held) {
        if (w.statement() == null) {
            return Optional.empty();
        }
        String text = w.statement().toLowerCase(Locale.ROOT);
        for (TableRef t : held) {
            String name = t.table().toLowerCase(Locale.ROOT);
            if (Pattern.compile("(^|[^a-z0-9_$])" + Pattern.quote(name) + "($|[^a-z0-9_$])").matcher(text).find()
                    || text.contains(Dialect.MYSQL.quote(name))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
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
