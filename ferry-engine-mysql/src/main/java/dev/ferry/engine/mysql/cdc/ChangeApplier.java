package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Closing;
import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.ChangeSink;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.cdc.NetChanges.TableChanges;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.engine.mysql.ClientText;
import dev.ferry.engine.mysql.CollationDefaults;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.io.Serializable;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One apply partition's session on the destination (UTC, foreign-key checks off, unique checks on so that a unique
 * key that objects is seen, not binlogged where the user may say so) and its open transaction, which many source
 * transactions share until {@link #commit} writes the partition's progress row in it.
 *
 * <p>Two ways to apply. {@link #applyNet} takes a batch's net changes set-based, per table: its deletes as {@code
 * DELETE ... WHERE (key) IN (...)}, its inserts as multi-row {@code INSERT}s, its updates as {@code UPDATE ... JOIN} a
 * derived table of new values (grouped by the columns they write), each statement bounded by the server's packet
 * size, then the changes of tables without a primary key one by one. Every row count is checked (deleted and matched
 * rows, as the driver reports found rows); a count that does not match or a duplicate key makes it answer false, and
 * the pipeline applies the batch again with {@link #applyInOrder}: the changes one by one in source order, consecutive
 * rows of one statement shape as one JDBC batch. That is where divergence is decided: a 0 names a row that matched
 * nothing, a refused INSERT batch has its keys looked up one by one to name the row already there, and {@link
 * DivergedRows} fails or records as the job's policy says.
 *
 * <p>Every change reaching the applier comes after its table's copy point (the change source skips the others: the
 * snapshot's binlog position is exact), so on a transactional table it must fit exactly. Non-transactional (MyISAM)
 * tables are applied idempotently instead, both ways ({@code REPLACE}, a missing row skipped and counted), and last in
 * a set-based batch, once nothing can refuse it: a stop or crash re-applies their last changes, which no rollback
 * undid, so a mismatch there is expected and not a divergence.
 * Used by one thread at a time; closing rolls back what is not committed.
 */
final class ChangeApplier implements ChangeSink<BinlogPosition, BinlogChange> {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
    private static final int MAX_PENDING = 1_000;
    private static final int MAX_CACHED = 256;
    /** The most rows one set-based statement carries. */
    private static final int MAX_NET_ROWS = 2_000;
    /** The most bytes of row values one statement or batch carries, whatever the server's max_allowed_packet. */
    private static final long MAX_PENDING_BYTES = 4L << 20;
    private static final long MIN_PENDING_BYTES = 64L << 10;
    /** ER_DUP_KEY, ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME. */
    private static final Set<Integer> DUPLICATE_KEY = Set.of(1022, 1062, 1586);
    /** ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back. */
    private static final int DEADLOCK = 1213;
    /** Errors a replayed DDL gives when it had already been applied before a crash. */
    private static final Set<Integer> ALREADY_APPLIED = Set.of(1007, 1008, 1050, 1051, 1054, 1060, 1061, 1091, 1146,
            1304, 1305, 1359, 1360, 1537, 1539, 1826);

    private final Connection c;
    private final DatabaseConnection destination;
    private final String job;
    private final String database;
    private final BinlogChangeSinks.Shared shared;
    private final PreparedStatement progress;
    private final Map<ChangeSql, PreparedStatement> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChangeSql, PreparedStatement> eldest) {
            if (size() <= MAX_CACHED) {
                return false;
            }
            if (eldest.getValue() != pending) {
                Closing.quietly(eldest.getValue(), "a destination resource");
                return true;
            }
            return false;
        }
    };
    private PreparedStatement pending;
    private ChangeSql pendingSql;
    /** The statement run last, for messages. */
    private String statementText;
    private String pendingTable;
    private Op pendingOp;
    private TableDef pendingDef;
    private int pendingCount;
    private long pendingBytes;
    private final List<BinlogChange> queued = new ArrayList<>();
    private final long maxPendingBytes;
    private final DivergedRows diverged;
    private long rowsNotFound;
    /** The statement shape of the last change queued, reused while changes come from the same rows event. */
    private Shape lastShape;
    /** Character set and collation names by collation id, as the destination names them (null: unknown id). */
    private final Map<Integer, String[]> collations = new java.util.HashMap<>();
    /** While {@link #applyNet} runs: a row that does not fit refuses the batch instead of diverging. */
    private boolean net;
    private boolean refused;

    /** A change's statement and where its bound columns are in its images. */
    private record Shape(TableDef def, Op op, BitSet before, BitSet after, ChangeSql sql, int[] writtenAt, int[] matchedAt) {}

    private ChangeApplier(Connection c, DatabaseConnection destination, String job, String database, BinlogChangeSinks.Shared shared,
            DivergenceGate gate, long maxPendingBytes) throws SQLException {
        this.c = c;
        this.destination = destination;
        this.job = job;
        this.database = database;
        this.shared = shared;
        this.progress = ProgressTable.prepareWrite(c);
        this.diverged = new DivergedRows(c, gate, database, job);
        this.maxPendingBytes = maxPendingBytes;
    }

    /** Opens partition {@code partition}'s session; {@code gate} decides what a row change that does not fit does. */
    static ChangeApplier open(MySqlConnector connector, DatabaseConnection destination, String job, String database, int partition,
            BinlogChangeSinks.Shared shared, DivergenceGate gate) {
        Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION);
        try {
            Sql.execute(c, "SET SESSION foreign_key_checks = 0, SESSION unique_checks = 1");
            if (shared.collationDefaults() != null) {
                // Replayed DDL that names a character set without a collation gets the collation it got on the source.
                CollationDefaults.apply(c, shared.collationDefaults());
            }
            boolean unlogged = false;
            try {
                Sql.execute(c, "SET SESSION sql_log_bin = 0");
                unlogged = true;
            } catch (SQLException e) {
                if (partition == 0) {
                    log.atWarn().addKeyValue("job", job).addKeyValue("reason", SqlErrors.serverMessage(e))
                            .log("cannot turn the destination's binary log off for Ferry's sessions; replicated changes are logged there too");
                }
            }
            if (unlogged) {
                // Fewer gap locks between partitions applying to one table at once; without the binary log it is safe.
                Sql.execute(c, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
            // A statement larger than the packet would be refused or split; set-based statements stay well below it.
            long packet = Sql.queryLong(c, "SELECT @@max_allowed_packet");
            long maxPendingBytes = Math.max(MIN_PENDING_BYTES, Math.min(MAX_PENDING_BYTES, packet / 4));
            if (shared.fence().epoch() > 0) {
                OwnerMark.take(c, job, database, shared.fence().epoch(), partition);
            }
            c.setAutoCommit(false);
            return new ChangeApplier(c, destination, job, database, shared, gate, maxPendingBytes);
        } catch (SQLException | RuntimeException e) {
            Closing.quietly(c, "a destination resource");
            if (e instanceof SQLException sql) {
                throw SqlErrors.map(sql, destination, "prepare the destination for change replication");
            }
            throw (RuntimeException) e;
        }
    }

    /** Updates and deletes of non-transactional tables that found no row (expected after a restart, so only counted). */
    long rowsNotFound() {
        return rowsNotFound;
    }

    @Override
    public boolean applyNet(List<TableChanges<BinlogChange>> tables) {
        net = true;
        refused = false;
        boolean undoable = true;
        try {
            for (TableChanges<BinlogChange> t : tables) {
                TableDef def = first(t).def();
                if (def.transactional()) {
                    if (!deletes(def, t.deletes()) || !inserts(def, t.inserts()) || !updates(def, t.updates())) {
                        return false;
                    }
                    t.inOrder().forEach(this::queue);
                    if (refused) {
                        return false;
                    }
                }
            }
            flush();
            if (refused) {
                return false;
            }
            // Last, once nothing can refuse the batch any more: no rollback undoes these, and a second application in
            // source order would repeat what is not idempotent (a keyless row deleted twice). They never refuse.
            undoable = false;
            for (TableChanges<BinlogChange> t : tables) {
                if (!first(t).def().transactional()) {
                    t.deletes().forEach(this::queue);
                    t.inserts().forEach(this::queue);
                    t.updates().forEach(this::queue);
                    t.inOrder().forEach(this::queue);
                }
            }
            flush();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_KEY.contains(e.getErrorCode())) {
                log.atDebug().addKeyValue("job", job).addKeyValue("table", pendingTable).addKeyValue("reason", SqlErrors.serverMessage(e))
                        .log("a set-based statement met a duplicate key; the batch goes in source order");
                return false;
            }
            if (e.getErrorCode() == DEADLOCK && undoable) {
                // Another apply session held a lock this statement waited for, and waited for one of its own: InnoDB
                // rolled this batch back. The in-order path applies it again, row by row, on this session.
                log.atInfo().addKeyValue("job", job).addKeyValue("table", pendingTable)
                        .log("a set-based statement was chosen as a deadlock victim; the batch goes in source order");
                return false;
            }
            throw applyFailed(e);
        } finally {
            net = false;
        }
    }

    @Override
    public void applyInOrder(List<BinlogChange> changes) {
        try {
            changes.forEach(this::queue);
            flush();
        } catch (SQLException e) {
            throw applyFailed(e);
        }
    }

    @Override
    public void barrier(Object work, Mark<BinlogPosition> mark, Collection<Integer> partitions) {
        if (!(work instanceof StatementReplay.Replay ddl)) {
            throw new IllegalArgumentException("not a barrier of MySQL/MariaDB replication: " + work);
        }
        BinlogPosition end = mark.applied();
        try {
            flush();
            ProgressTable.writePending(c, job, database, partitions, shared.fence().epoch(), shared.start(), end.text());
            fenced(partitions);
            c.commit();
        } catch (SQLException e) {
            throw applyFailed(e);
        }
        // DDL commits by itself: the lease is checked immediately before it.
        shared.fence().check();
        ddl(ddl, shared.replaying(end));
        try {
            writeMarks(mark, partitions);
            ProgressTable.clearPending(c, job, database, partitions);
            c.commit();
        } catch (SQLException e) {
            throw applyFailed(e);
        }
        shared.replayed(end);
        log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("position", end.text())
                .addKeyValue("statement", abbreviate(ddl.sql())).log("DDL replicated");
    }

    @Override
    public void commit(Mark<BinlogPosition> mark, Collection<Integer> partitions) {
        try {
            writeMarks(mark, partitions);
            c.commit();
        } catch (SQLException e) {
            throw applyFailed(e);
        }
    }

    /** Flushes what is queued and writes {@code mark} as each partition's position, in the open transaction. */
    private void writeMarks(Mark<BinlogPosition> mark, Collection<Integer> partitions) throws SQLException {
        flush();
        for (int part : partitions) {
            ProgressTable.addWrite(progress, job, database, part, shared.fence().epoch(), mark);
        }
        progress.executeBatch();
        fenced(partitions);
    }

    /**
     * Fencing of the open transaction, after its progress rows are written: when another owner of the job claimed
     * them with a newer epoch, the transaction is rolled back, changes and all, and the refusal is thrown.
     */
    private void fenced(Collection<Integer> partitions) throws SQLException {
        try {
            ProgressTable.requireEpoch(c, job, database, partitions, shared.fence().epoch(), "%s on %s:%d"
                    .formatted(ProgressTable.QUALIFIED, destination.host(), destination.port()));
        } catch (dev.ferry.core.FerryException refused) {
            c.rollback();
            throw refused;
        }
    }

    /**
     * Runs one DDL statement (its own implicit commit), in its database unless that is null, under the
     * character_set_client and collation_connection it was written in on the source (non-ASCII text in another character
     * set than UTF-8 goes in its own bytes, see {@link ClientText}). When {@code replay} is true the statement may already
     * have run before a crash, and errors saying so are logged, not raised.
     */
    private void ddl(StatementReplay.Replay ddl, boolean replay) {
        String sql = ddl.sql();
        String[] session = null;
        try {
            closeStatements();
            if (ddl.useDatabase() != null) {
                Sql.execute(c, "USE " + Dialect.MYSQL.quote(ddl.useDatabase()));
            }
            String[] written = ddl.written() == null ? null : writtenIn(ddl.written());
            if (written != null) {
                session = Sql.queryOne(c, "SELECT @@SESSION.character_set_client, @@SESSION.collation_connection",
                        rs -> new String[] {rs.getString(1), rs.getString(2)}).orElseThrow();
                Sql.update(c, "SET SESSION character_set_client = ?, SESSION collation_connection = ?", written[0], written[1]);
            }
            if (written == null || ClientText.sentAsIs(written[0], sql)) {
                Sql.execute(c, sql);
            } else {
                try (java.sql.Statement s = c.createStatement()) {
                    if (ddl.written().bytes() != null) {
                        ClientText.execute(s, ddl.written().bytes());
                    } else {
                        ClientText.execute(s, sql);
                    }
                } catch (SQLException e) {
                    if (e.getErrorCode() != SqlErrors.UNSUPPORTED_PS) {
                        throw e;
                    }
                    log.atWarn().addKeyValue("job", job).addKeyValue("statement", abbreviate(sql))
                            .addKeyValue("characterSetClient", written[0])
                            .log("the destination cannot prepare this DDL, so its non-ASCII text cannot be sent in the source's"
                                    + " character_set_client; replayed in the session's own character set instead");
                    Sql.update(c, "SET SESSION character_set_client = ?", session[0]);
                    Sql.execute(c, sql);
                }
            }
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
            if (session != null) {
                try {
                    Sql.update(c, "SET SESSION character_set_client = ?, SESSION collation_connection = ?", session[0], session[1]);
                } catch (SQLException e) {
                    log.atWarn().addKeyValue("job", job).setCause(e).log("cannot restore the apply session's character set");
                }
            }
        }
    }

    /** The character set and collation names of the ids a statement was written under, as the destination names them; null if unknown. */
    private String[] writtenIn(StatementReplay.Written w) throws SQLException {
        String[] client = collation(w.clientCollation());
        String[] connection = collation(w.connectionCollation());
        return client == null || connection == null ? null : new String[] {client[0], connection[1]};
    }

    private String[] collation(int id) throws SQLException {
        if (!collations.containsKey(id)) {
            collations.put(id, Sql.queryOne(c, "SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLLATIONS WHERE ID = ?",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, id).orElse(null));
        }
        return collations.get(id);
    }

    @Override
    public void rollback() {
        net = false;
        refused = false;
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
        Closing.quietly(progress, "a destination resource");
        Closing.quietly(c, "a destination resource");
        if (rowsNotFound > 0 || diverged.count() > 0) {
            log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("rowsNotFound", rowsNotFound)
                    .addKeyValue("rowsDiverged", diverged.count()).log("apply session closed");
        }
    }

    // ---- set-based ----

    /** Deletes by key; false when fewer rows were there than keys. */
    private boolean deletes(TableDef def, List<BinlogChange> changes) throws SQLException {
        return chunked(changes, rows -> NetSql.delete(def, rows.size()));
    }

    /** Inserts, grouped by the columns their images hold; false (via a duplicate key) when a row was already there. */
    private boolean inserts(TableDef def, List<BinlogChange> changes) throws SQLException {
        for (List<BinlogChange> group : byImage(changes)) {
            BitSet image = group.getFirst().after();
            if (!chunked(group, rows -> NetSql.insert(def, image, rows.size()))) {
                return false;
            }
        }
        return true;
    }

    /** Updates, grouped by the columns they write; false when a row was not found. */
    private boolean updates(TableDef def, List<BinlogChange> changes) throws SQLException {
        for (List<BinlogChange> group : byImage(changes)) {
            BitSet image = group.getFirst().after();
            if (!chunked(group, rows -> NetSql.update(def, image, rows.size()))) {
                return false;
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface Statement {
        NetSql of(List<BinlogChange> rows);
    }

    /** Runs {@code statement} over the changes in chunks below the packet size; false when a chunk's count is off. */
    private boolean chunked(List<BinlogChange> changes, Statement statement) throws SQLException {
        if (changes.isEmpty()) {
            return true;
        }
        flush();
        int from = 0;
        while (from < changes.size()) {
            int to = from;
            long bytes = 0;
            while (to < changes.size() && to - from < MAX_NET_ROWS && (to == from || bytes < maxPendingBytes)) {
                BinlogChange ch = changes.get(to);
                bytes += DivergedRows.bytes(ch.beforeRow()) + DivergedRows.bytes(ch.afterRow());
                to++;
            }
            List<BinlogChange> rows = changes.subList(from, to);
            NetSql sql = statement.of(rows);
            pendingTable = rows.getFirst().table().toString();
            statementText = abbreviate(sql.sql());
            int count;
            try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
                int p = 1;
                for (BinlogChange ch : rows) {
                    for (int i = 0; i < sql.columns().length; i++) {
                        int col = sql.columns()[i];
                        boolean old = i < sql.fromOld();
                        Serializable v = BinlogChange.value(old ? ch.beforeRow() : ch.afterRow(), old ? ch.before() : ch.after(), col);
                        ValueBinder.bind(ps, p++, v, ch.def().columns().get(col), ch.types()[col] & 0xFF);
                    }
                }
                count = ps.executeUpdate();
            }
            if (count != rows.size()) {
                log.atDebug().addKeyValue("job", job).addKeyValue("table", pendingTable).addKeyValue("rows", rows.size())
                        .addKeyValue("counted", count).log("a set-based statement's row count did not match; the batch goes in source order");
                return false;
            }
            from = to;
        }
        return true;
    }

    /** The changes grouped by the columns of their new image, in order of first appearance. */
    private static List<List<BinlogChange>> byImage(List<BinlogChange> changes) {
        Map<BitSet, List<BinlogChange>> groups = new LinkedHashMap<>();
        for (BinlogChange ch : changes) {
            groups.computeIfAbsent(ch.after(), k -> new ArrayList<>()).add(ch);
        }
        return List.copyOf(groups.values());
    }

    private static BinlogChange first(TableChanges<BinlogChange> t) {
        for (List<BinlogChange> l : List.of(t.deletes(), t.inserts(), t.updates(), t.inOrder())) {
            if (!l.isEmpty()) {
                return l.getFirst();
            }
        }
        throw new IllegalArgumentException("no changes for table " + t.table());
    }

    // ---- per row ----

    /** Queues one change as a row of its statement's JDBC batch (flushing the batch of another statement first). */
    private void queue(BinlogChange ch) {
        try {
            Shape shape = shape(ch);
            PreparedStatement ps = statement(shape.sql(), ch.def(), ch.op());
            int p = 1;
            int[] written = shape.sql().written();
            for (int i = 0; i < written.length; i++) {
                int col = written[i];
                ValueBinder.bind(ps, p++, ch.afterRow()[shape.writtenAt()[i]], ch.def().columns().get(col), ch.types()[col] & 0xFF);
            }
            int[] matched = shape.sql().matched();
            for (int i = 0; i < matched.length; i++) {
                int col = matched[i];
                ValueBinder.bind(ps, p++, ch.beforeRow()[shape.matchedAt()[i]], ch.def().columns().get(col), ch.types()[col] & 0xFF);
            }
            ps.addBatch();
            queued.add(ch);
            pendingBytes += DivergedRows.bytes(ch.beforeRow()) + DivergedRows.bytes(ch.afterRow());
            if (++pendingCount >= MAX_PENDING || pendingBytes >= maxPendingBytes) {
                flush();
            }
        } catch (SQLException e) {
            throw applyFailed(e);
        }
    }

    private Shape shape(BinlogChange ch) {
        Shape s = lastShape;
        if (s != null && s.def() == ch.def() && s.op() == ch.op() && s.before() == ch.before() && s.after() == ch.after()) {
            return s;
        }
        TableDef table = ch.def();
        ChangeSql sql = switch (ch.op()) {
            case INSERT -> ChangeSql.insert(table, ch.after(), !table.transactional());
            case UPDATE -> ChangeSql.update(table, ch.before(), ch.after());
            case DELETE -> ChangeSql.delete(table, ch.before());
        };
        s = new Shape(table, ch.op(), ch.before(), ch.after(), sql, positions(sql.written(), ch.after()), positions(sql.matched(), ch.before()));
        lastShape = s;
        return s;
    }

    private PreparedStatement statement(ChangeSql shape, TableDef table, Op op) throws SQLException {
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
        statementText = shape.sql();
        pendingTable = table.ref().toString();
        pendingOp = op;
        pendingDef = table;
        return ps;
    }

    private void flush() throws SQLException {
        if (pending == null || pendingCount == 0) {
            return;
        }
        List<BinlogChange> rows = List.copyOf(queued);
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
            if (net) {
                refused = true;
                return;
            }
            diverged.refused(pendingOp, rows, e);
            return;
        }
        if (pendingOp == Op.INSERT) {
            return;
        }
        if (pendingDef.transactional()) {
            if (net) {
                refused |= Arrays.stream(counts).anyMatch(n -> n == 0);
                return;
            }
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
        cache.values().forEach(c -> Closing.quietly(c, "a destination resource"));
        cache.clear();
        pending = null;
        pendingCount = 0;
        lastShape = null;
    }

    private FerryException applyFailed(SQLException e) {
        String table = pendingTable == null ? "(progress bookkeeping)" : pendingTable;
        return new FerryException(ErrorCode.FAILED_PRECONDITION, ("Applying replicated changes to table %s on the destination %s:%d"
                + " failed: %s (statement: %s); make the destination table match the source and restart the job")
                .formatted(table, destination.host(), destination.port(), SqlErrors.serverMessage(e),
                        statementText == null ? "-" : statementText), e);
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
}
