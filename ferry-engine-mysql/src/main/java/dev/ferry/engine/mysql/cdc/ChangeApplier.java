package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.cdc.ProgressTable.Progress;
import java.io.Serializable;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side of binlog replication: one session (UTC, foreign-key and unique checks off, not
 * binlogged where the user may say so) and one open transaction that many source transactions share.
 * Statements are prepared once per {@link ChangeSql} shape (an LRU cache); consecutive rows of one statement
 * go as one JDBC batch, in order. {@link #commit} writes the progress row in the same transaction.
 *
 * <p>Divergence is part of the apply contract. Every row change reaching the applier comes after its table's
 * copy point (the loop skips the others: the snapshot's binlog position is exact), so on a transactional table
 * it must fit exactly. The driver returns per-statement counts for UPDATE and DELETE batches (matched rows,
 * not changed rows), so a 0 names a row that matched nothing. INSERT batches go as one bulk statement, which
 * the server applies whole or not at all (batches are kept below the server's packet size so they stay one
 * statement); a duplicate key fails it, and only then are the batch's keys looked up one by one to name the
 * diverged row. {@link DivergedRows} fails or records as the job's policy says. Non-transactional (MyISAM)
 * tables are applied idempotently instead ({@code REPLACE}, a missing row skipped and counted): a stop or crash
 * re-applies their last changes, which no rollback undid, so a mismatch there is expected and not a divergence.
 * Not thread-safe; closing rolls back what is not committed.
 */
final class ChangeApplier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
    private static final int MAX_PENDING = 1_000;
    private static final int MAX_CACHED = 256;
    /** The most bytes of row values one INSERT batch carries, whatever the server's max_allowed_packet. */
    private static final long MAX_PENDING_BYTES = 4L << 20;
    private static final long MIN_PENDING_BYTES = 64L << 10;
    /** ER_DUP_KEY, ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME. */
    private static final Set<Integer> DUPLICATE_KEY = Set.of(1022, 1062, 1586);
    /** Errors a replayed DDL gives when it had already been applied before a crash. */
    private static final Set<Integer> ALREADY_APPLIED = Set.of(1007, 1008, 1050, 1051, 1054, 1060, 1061, 1091, 1146,
            1304, 1305, 1359, 1360, 1537, 1539, 1826);

    private final Connection c;
    private final DatabaseConnection destination;
    private final String job;
    private final String database;
    private final Optional<Progress> recorded;
    private final PreparedStatement progress;
    private final DestinationCatalog catalog;
    private final Map<ChangeSql, PreparedStatement> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChangeSql, PreparedStatement> eldest) {
            if (size() <= MAX_CACHED) {
                return false;
            }
            if (eldest.getValue() != pending) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    private PreparedStatement pending;
    private ChangeSql pendingSql;
    private String pendingTable;
    private ChangeSql.Kind pendingKind;
    private TableDef pendingDef;
    private int pendingCount;
    private long pendingBytes;
    private final List<DivergedRows.Change> queued = new ArrayList<>();
    private final long maxPendingBytes;
    private final DivergedRows diverged;
    private long rowsNotFound;

    private ChangeApplier(Connection c, DatabaseConnection destination, String job, String database, Optional<Progress> recorded,
            DivergenceGate gate, long maxPendingBytes) throws SQLException {
        this.c = c;
        this.destination = destination;
        this.job = job;
        this.database = database;
        this.recorded = recorded;
        this.progress = ProgressTable.prepareWrite(c);
        this.catalog = new DestinationCatalog(c);
        this.diverged = new DivergedRows(c, gate, database, job);
        this.maxPendingBytes = maxPendingBytes;
    }

    /** {@code gate} decides what a row change that does not fit the destination does. */
    static ChangeApplier open(MySqlConnector connector, DatabaseConnection destination, String job, String database,
            DivergenceGate gate) {
        Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION);
        try {
            Sql.execute(c, "SET SESSION foreign_key_checks = 0, SESSION unique_checks = 0");
            try {
                Sql.execute(c, "SET SESSION sql_log_bin = 0");
            } catch (SQLException e) {
                log.atWarn().addKeyValue("job", job).addKeyValue("reason", SqlErrors.serverMessage(e))
                        .log("cannot turn the destination's binary log off for Ferry's session; replicated changes are logged there too");
            }
            ProgressTable.ensure(c);
            Optional<Progress> recorded = ProgressTable.read(c, job, database);
            // A bulk INSERT larger than the packet would be split into several statements, no longer all or nothing.
            long packet = Sql.queryLong(c, "SELECT @@max_allowed_packet");
            long maxPendingBytes = Math.max(MIN_PENDING_BYTES, Math.min(MAX_PENDING_BYTES, packet / 4));
            c.setAutoCommit(false);
            return new ChangeApplier(c, destination, job, database, recorded, gate, maxPendingBytes);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof SQLException sql) {
                throw SqlErrors.map(sql, destination, "prepare the destination for change replication");
            }
            throw (RuntimeException) e;
        }
    }

    Optional<Progress> recorded() {
        return recorded;
    }

    List<String> triggers() {
        try {
            return catalog.triggers(database);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "list the triggers of database " + Dialect.MYSQL.quote(database));
        }
    }

    /** The destination table as it is now, or empty when there is no such base table. */
    Optional<TableDef> table(TableRef ref) {
        try {
            return catalog.table(ref);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "read the definition of table " + ref);
        }
    }

    /** Whether the destination has a database of that name. */
    boolean hasDatabase(String name) {
        try {
            return Sql.queryOne(c, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", rs -> true, name).isPresent();
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "look for database " + Dialect.MYSQL.quote(name));
        }
    }

    /** Updates and deletes of non-transactional tables that found no row (expected after a restart, so only counted). */
    long rowsNotFound() {
        return rowsNotFound;
    }

    /** Rows that did not fit the destination and were recorded (under the RECORD policy). */
    long rowsDiverged() {
        return diverged.count();
    }

    /**
     * Queues the rows of one rows event; {@code befores} and {@code afters} are the images (one of them empty
     * for inserts and deletes), {@code types} the table map's column types, {@code position} where the event's
     * transaction is in the source's binlog (for messages).
     */
    void rows(TableDef table, byte[] types, ChangeSql.Kind kind, BitSet before, BitSet after,
            List<Serializable[]> befores, List<Serializable[]> afters, String position) {
        ChangeSql shape = switch (kind) {
            case INSERT -> ChangeSql.insert(table, after, !table.transactional());
            case UPDATE -> ChangeSql.update(table, before, after);
            case DELETE -> ChangeSql.delete(table, before);
        };
        int[] writtenAt = positions(shape.written(), after);
        int[] matchedAt = positions(shape.matched(), before);
        try {
            PreparedStatement ps = statement(shape, table, kind);
            int rows = Math.max(befores.size(), afters.size());
            for (int r = 0; r < rows; r++) {
                int p = 1;
                for (int i = 0; i < shape.written().length; i++) {
                    int col = shape.written()[i];
                    ValueBinder.bind(ps, p++, afters.get(r)[writtenAt[i]], table.columns().get(col), types[col] & 0xFF);
                }
                for (int i = 0; i < shape.matched().length; i++) {
                    int col = shape.matched()[i];
                    ValueBinder.bind(ps, p++, befores.get(r)[matchedAt[i]], table.columns().get(col), types[col] & 0xFF);
                }
                ps.addBatch();
                Serializable[] beforeRow = befores.isEmpty() ? null : befores.get(r);
                Serializable[] afterRow = afters.isEmpty() ? null : afters.get(r);
                queued.add(new DivergedRows.Change(table, types, kind, before, after, beforeRow, afterRow, position));
                pendingBytes += DivergedRows.bytes(beforeRow) + DivergedRows.bytes(afterRow);
                if (++pendingCount >= MAX_PENDING || pendingBytes >= maxPendingBytes) {
                    flush();
                }
            }
        } catch (SQLException e) {
            throw applyFailed(e);
        }
    }

    /** Commits the open transaction with the progress row saying everything up to {@code position} is applied. */
    void commit(BinlogPosition position, Instant commitTime, String pendingDdl) {
        try {
            flush();
            ProgressTable.write(progress, job, database, position, commitTime, pendingDdl);
            c.commit();
        } catch (SQLException e) {
            throw applyFailed(e);
        }
    }

    /**
     * Runs one DDL statement (its own implicit commit), in {@code useDatabase} unless that is null. When {@code replay}
     * is true the statement may already have run before a crash, and errors saying so are logged, not raised.
     */
    void ddl(String sql, String useDatabase, boolean replay) {
        try {
            flush();
            c.commit();
            closeStatements();
            if (useDatabase != null) {
                Sql.execute(c, "USE " + Dialect.MYSQL.quote(useDatabase));
            }
            Sql.execute(c, sql);
        } catch (SQLException e) {
            if (replay && ALREADY_APPLIED.contains(e.getErrorCode())) {
                log.atWarn().addKeyValue("job", job).addKeyValue("statement", abbreviate(sql)).addKeyValue("reason", SqlErrors.serverMessage(e))
                        .log("DDL replayed after a restart had already been applied; continuing");
            } else {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replicating a DDL statement of database %s to the destination"
                        + " %s:%d failed: %s (statement: %s); apply an equivalent change by hand and restart the job")
                        .formatted(database, destination.host(), destination.port(), SqlErrors.serverMessage(e), abbreviate(sql)), e);
            }
        } finally {
            catalog.forget();
        }
    }

    void rollback() {
        try {
            discardPending();
            c.rollback();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("job", job).setCause(e).log("rollback on the destination failed; the session is closed next");
        }
    }

    @Override
    public void close() {
        rollback();
        closeStatements();
        closeQuietly(progress);
        closeQuietly(c);
    }

    private PreparedStatement statement(ChangeSql shape, TableDef table, ChangeSql.Kind kind) throws SQLException {
        PreparedStatement ps = cache.get(shape);
        if (ps != pending || ps == null) {
            flush();
        }
        if (ps == null) {
            ps = c.prepareStatement(shape.sql());
            cache.put(shape, ps);
        }
        pending = ps;
        pendingSql = shape;
        pendingTable = table.ref().toString();
        pendingKind = kind;
        pendingDef = table;
        return ps;
    }

    private void flush() throws SQLException {
        if (pending == null || pendingCount == 0) {
            return;
        }
        List<DivergedRows.Change> rows = List.copyOf(queued);
        queued.clear();
        pendingCount = 0;
        pendingBytes = 0;
        int[] counts;
        try {
            counts = pending.executeBatch();
        } catch (BatchUpdateException e) {
            if (!DUPLICATE_KEY.contains(e.getErrorCode()) || !pendingDef.transactional()) {
                throw e;
            }
            diverged.refused(pendingKind, rows, e);
            return;
        }
        if (pendingKind == ChangeSql.Kind.INSERT) {
            return;
        }
        if (pendingDef.transactional()) {
            diverged.checked(rows, counts);
            return;
        }
        long missed = Arrays.stream(counts).filter(n -> n == 0).count();
        if (missed > 0 && rowsNotFound == 0) {
            log.atWarn().addKeyValue("job", job).addKeyValue("table", pendingTable).addKeyValue("statement", pendingSql.sql())
                    .log("a replicated row of a non-transactional table was not found on the destination (a restart re-applies"
                            + " such tables' last changes); later ones are counted");
        }
        rowsNotFound += missed;
    }

    private void discardPending() throws SQLException {
        if (pending != null) {
            pending.clearBatch();
        }
        queued.clear();
        pendingCount = 0;
        pendingBytes = 0;
    }

    private void closeStatements() {
        cache.values().forEach(ChangeApplier::closeQuietly);
        cache.clear();
        pending = null;
        pendingCount = 0;
    }

    private FerryException applyFailed(SQLException e) {
        String table = pendingTable == null ? "(progress bookkeeping)" : pendingTable;
        return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Applying replicated changes to table %s on the destination %s:%d"
                + " failed: %s (statement: %s); make the destination table match the source and restart the job")
                .formatted(table, destination.host(), destination.port(), SqlErrors.serverMessage(e),
                        pendingSql == null ? "-" : pendingSql.sql()), e);
    }

    private static int[] positions(int[] columns, BitSet included) {
        int[] at = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            at[i] = included.get(0, columns[i]).cardinality();
        }
        return at;
    }

    static String abbreviate(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("closing a destination resource failed");
        }
    }
}
