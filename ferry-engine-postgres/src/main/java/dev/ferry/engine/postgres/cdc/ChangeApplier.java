package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Kind;
import dev.ferry.engine.postgres.cdc.ChangePlanner.Shape;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side of change replication: one session with triggers and foreign-key checks off
 * ({@code session_replication_role = replica}) and one open transaction that many source transactions
 * share. Statements are prepared once per {@link Shape} (an LRU cache) and consecutive rows of one
 * statement go as one JDBC batch, in order. {@link #commit} writes the progress row in the same
 * transaction. Values are bound as untyped text, so the server parses them with the column's type.
 *
 * <p>Divergence is part of the apply contract: every change reaching the applier comes after its table's copy
 * point (the loop skips the others), so it must fit exactly. The per-statement counts of each JDBC batch say
 * which rows did not: an UPDATE or DELETE that affected no row, an INSERT that affected none because its
 * primary key was already there ({@code ON CONFLICT (key) DO NOTHING}). {@link DivergedRows} then fails or
 * records them as the job's policy says; a conflict on another unique constraint aborts the transaction and
 * always fails with {@code DIVERGED}. No extra round trip is made unless a row diverged.
 * Not thread-safe; closing rolls back what is not committed.
 */
final class ChangeApplier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
    static final int MAX_PENDING = 1_000;
    private static final int MAX_CACHED = 256;
    private static final String DISK_FULL = "53100";

    private final Connection c;
    private final DatabaseConnection destination;
    private final String job;
    private final PreparedStatement progress;
    private final Map<Shape, Prepared> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, Prepared> eldest) {
            if (size() <= MAX_CACHED) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };
    /**
     * The statement batching rows for each table, in the order tables were first touched. Rows of one
     * table run in source order (a new statement shape for a table first runs that table's batch); rows
     * of different tables may run out of source order within a destination transaction, which is safe
     * because the session runs with session_replication_role = replica (no triggers, no foreign-key
     * checks) and the transaction commits as a whole. Batching per table turns a stream of mixed
     * statements into few round trips.
     */
    private final java.util.Map<TableRef, Prepared> pending = new java.util.LinkedHashMap<>();
    private int pendingCount;
    private final DestinationKeys keys;
    private final DivergedRows diverged;

    /** A cached statement and the changes queued in its batch, in order. */
    private record Prepared(PreparedStatement statement, String sql, TableRef table, Kind kind, List<DivergedRows.Change> queued) {}

    /** The job's lease epoch (0 without fencing): see {@link ProgressTable#write}. */
    private final long epoch;

    private ChangeApplier(Connection c, DatabaseConnection destination, String job, long epoch, DivergenceGate gate)
            throws SQLException {
        this.epoch = epoch;
        this.c = c;
        this.destination = destination;
        this.job = job;
        this.progress = ProgressTable.prepareWrite(c);
        this.keys = new DestinationKeys(c);
        this.diverged = new DivergedRows(c, keys, gate, destination.database(), job);
    }

    /**
     * Connects to {@code destination} (its database set), prepares the session and the progress table;
     * {@code gate} decides what a change that does not fit the destination does.
     */
    static ChangeApplier open(DatabaseConnection destination, String job, long epoch, DivergenceGate gate) {
        Connection c = PgConnector.open(destination);
        try {
            SessionSettings.applyPortable(c);
            try (Statement st = c.createStatement()) {
                st.execute("SET default_transaction_read_only = off");
                try {
                    st.execute("SET session_replication_role = replica");
                } catch (SQLException e) {
                    if ("42501".equals(e.getSQLState())) {
                        throw new FerryException(ErrorCode.PERMISSION_DENIED, ("User %s may not set session_replication_role "
                                + "on the destination %s:%d, which replication needs to keep triggers and foreign-key checks "
                                + "from firing; connect as a superuser or, on PostgreSQL 15+, GRANT SET ON PARAMETER "
                                + "session_replication_role TO %s").formatted(destination.username(), destination.host(),
                                destination.port(), destination.username()), e);
                    }
                    throw e;
                }
            }
            ProgressTable.ensure(c);
            TableStates.ensure(c);
            if (epoch > 0) {
                OwnerMark.take(c, job, epoch);
            }
            c.setAutoCommit(false);
            return new ChangeApplier(c, destination, job, epoch, gate);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof SQLException sql) {
                throw PgErrors.translate(sql, destination, "preparing the destination for change replication");
            }
            throw (RuntimeException) e;
        }
    }

    /** The session, for the set-based statements of {@link NetApply} in the same transaction. */
    Connection connection() {
        return c;
    }

    DestinationKeys keys() {
        return keys;
    }

    /**
     * Queues one row change of the source transaction committed at {@code lsn}; it runs, in order, before
     * anything else this applier runs.
     */
    void apply(Relation rel, ChangePlanner.Statement change, long lsn) {
        Prepared p = cache.get(change.shape());
        if (p == null) {
            p = prepare(rel, change.shape());
            cache.put(change.shape(), p);
        }
        Prepared batching = pending.get(p.table());
        if (batching != null && batching != p) {
            pending.remove(p.table());
            execute(batching);
        }
        try {
            String[] values = change.values();
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    p.statement().setNull(i + 1, Types.OTHER);
                } else {
                    p.statement().setObject(i + 1, values[i], Types.OTHER);
                }
            }
            p.statement().addBatch();
            p.queued().add(new DivergedRows.Change(rel, change, lsn));
        } catch (SQLException e) {
            throw failure(e, p.kind().verb(), p.table().toString(), p.sql());
        }
        pending.put(p.table(), p);
        if (++pendingCount >= MAX_PENDING) {
            flushPending();
        }
    }

    /** Truncates the tables as the source did. */
    void truncate(List<Relation> rels, boolean cascade, boolean restartIdentity) {
        flushPending();
        String tables = rels.stream().map(r -> Dialect.POSTGRESQL.quote(r.schema(), r.name())).collect(Collectors.joining(", "));
        String sql = "TRUNCATE ONLY " + tables + (restartIdentity ? " RESTART IDENTITY" : "") + (cascade ? " CASCADE" : "");
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw failure(e, "TRUNCATE", rels.stream().map(r -> r.table().toString()).collect(Collectors.joining(", ")), sql);
        }
    }

    /** SQL work on the session's connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in the open transaction once what is queued ran; {@code what} and {@code table} name it in a
     * failure. Every cached statement goes afterwards (the work may change tables under them).
     */
    <T> T run(String what, TableRef table, Work<T> work) {
        flushPending();
        try {
            T result = work.run(c);
            for (Prepared p : cache.values()) {
                closeQuietly(p);
            }
            cache.clear();
            keys.forget();
            return result;
        } catch (SQLException e) {
            throw failure(e, what, table.toString(), what);
        }
    }

    /** Drops the cached statements of a relation whose shape changed. */
    void forget(int relationOid) {
        flushPending();
        var it = cache.entrySet().iterator();
        keys.forget();
        while (it.hasNext()) {
            var entry = it.next();
            if (entry.getKey().relationOid() == relationOid) {
                closeQuietly(entry.getValue());
                it.remove();
            }
        }
    }

    /** Runs what is queued, records {@code mark} for each of {@code partitions} and commits, all in one transaction. */
    void commit(Mark<PgLsn> mark, Collection<Integer> partitions) {
        flushPending();
        try {
            ProgressTable.write(progress, job, epoch, partitions, mark);
            c.commit();
        } catch (SQLException e) {
            if (ProgressTable.FENCED.equals(e.getSQLState())) {
                rollback();
                throw ProgressTable.refused(job, epoch, destination, e);
            }
            throw failure(e, "progress update", ProgressTable.QUALIFIED, "INSERT INTO " + ProgressTable.QUALIFIED);
        }
    }

    /** Drops what is queued and rolls back the open transaction; failures are logged (the server rolls back anyway). */
    void rollback() {
        pending.clear();
        pendingCount = 0;
        try {
            for (Prepared p : cache.values()) {
                p.statement().clearBatch();
                p.queued().clear();
            }
            c.rollback();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("job", job).setCause(e)
                    .log("could not roll back the open batch; the server discards it when the session ends");
        }
    }

    /** Rows so far that did not fit the destination and were recorded (under the RECORD policy). */
    long rowsDiverged() {
        return diverged.count();
    }

    private Prepared prepare(Relation rel, Shape shape) {
        String sql = null;
        try {
            // Read for every table now, while the transaction is healthy: a unique violation aborts it, and the
            // key then still names the diverged row.
            List<String> primaryKey = keys.of(rel.table());
            sql = ChangePlanner.sql(rel, shape, shape.kind() == Kind.INSERT ? primaryKey : List.of());
            return new Prepared(c.prepareStatement(sql), sql, rel.table(), shape.kind(), new ArrayList<>());
        } catch (SQLException e) {
            throw failure(e, shape.kind().verb(), rel.table().toString(), sql);
        }
    }

    /** Runs what is queued now, so that a statement run beside the applier comes after it. */
    void flush() {
        flushPending();
    }

    private void flushPending() {
        List<Prepared> batches = List.copyOf(pending.values());
        pending.clear();
        pendingCount = 0;
        for (Prepared p : batches) {
            execute(p);
        }
    }

    private void execute(Prepared p) {
        List<DivergedRows.Change> queued = List.copyOf(p.queued());
        p.queued().clear();
        try {
            diverged.checked(p.kind(), queued, p.statement().executeBatch());
        } catch (SQLException e) {
            throw diverged.uniqueConflict(e, queued).orElseGet(() -> failure(e, p.kind().verb(), p.table().toString(), p.sql()));
        }
    }

    /** A lost connection or server, or a full disk: a failure that is not the applied changes' fault. */
    static boolean notTheBatch(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return lost(state) || state.equals(DISK_FULL);
    }

    private static boolean lost(String state) {
        return state.isEmpty() || state.startsWith("08") || state.startsWith("57P");
    }

    FerryException failure(SQLException e, String what, String table, String sql) {
        SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        if (lost(state)) {
            return new FerryException(ErrorCode.UNAVAILABLE, ("Lost the connection to the destination %s:%d while applying "
                    + "changes to %s; check that the server is up and resume the job (nothing uncommitted was kept)")
                    .formatted(destination.host(), destination.port(), table), e);
        }
        if (state.equals(DISK_FULL)) {
            // A full disk is not the table's fault: say so, and that the job waits for space.
            return PgErrors.translate(cause, destination, "applying a replicated %s to %s".formatted(what, table));
        }
        String detail = PgErrors.scrub(cause.getMessage() == null ? state : cause.getMessage().strip(), destination.password());
        return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Could not apply a replicated %s to table %s on the "
                + "destination %s:%d: %s (SQLSTATE %s; statement: %s); make the destination table match the source, "
                + "then resume the job").formatted(what, table, destination.host(), destination.port(),
                detail, state, sql), e);
    }

    private void closeQuietly(Prepared p) {
        try {
            p.statement().close();
        } catch (SQLException e) {
            log.atDebug().addKeyValue("job", job).setCause(e).log("could not close a cached statement; the session ends it");
        }
    }

    @Override
    public void close() {
        try {
            c.close();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("job", job).setCause(e).log("could not close the destination session");
        }
    }
}
