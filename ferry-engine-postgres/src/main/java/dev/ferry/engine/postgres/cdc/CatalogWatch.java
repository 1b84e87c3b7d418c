package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.ColumnDefinition;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.schema.DumpSection;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.TableDump;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the change stream cannot say about the source's tables, found by reading its catalog every few seconds on the
 * reader thread: tables created after the job started (added to a publication that lists its tables, then copied from
 * a later snapshot), tables the source rewrote without decoded changes (their storage was replaced: copied again), and
 * tables dropped (dropped on the destination once the stream has passed the moment the drop was seen, so every change
 * made before it is applied first; only tables Ferry recorded, never one the destination holds on its own). The work it hands out is repeatable pipeline work ({@link TableCopy}, {@link
 * Baseline}, {@link DropTable}). Also copies a table the stream brings changes for before any poll saw it. Tracks the
 * copy positions the reader skips changes by. Holds one source and one destination session. Not thread-safe.
 */
final class CatalogWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatalogWatch.class);
    private static final Dialect D = Dialect.POSTGRESQL;

    /** What the watch needs: {@code source} and {@code destination} have the database set. */
    record Settings(String job, DatabaseConnection source, DatabaseConnection destination, String slot, String publication,
            ObjectSelection selection, Supplier<PgTools> tools, long everyMillis, boolean captureDdl) {
        Settings(String job, DatabaseConnection source, DatabaseConnection destination, String slot, String publication,
                ObjectSelection selection, Supplier<PgTools> tools, long everyMillis) {
            this(job, source, destination, slot, publication, selection, tools, everyMillis, false);
        }
    }

    /** Records the source storage of tables seen for the first time. */
    record Baseline(Map<TableRef, Long> storage) {}

    /** Drops a table the source dropped. */
    record DropTable(TableRef table) {}

    private final Settings settings;
    private final ShapeTracker shapes;
    /** Per table, the position its rows were copied at: its changes committed before it are in the copy. */
    private final Map<TableRef, Long> copiedAt = new ConcurrentHashMap<>();
    private final Map<TableRef, Long> copying = new HashMap<>();
    private final Map<TableRef, Long> dropsDue = new LinkedHashMap<>();
    private final Set<TableRef> dropped = new HashSet<>();
    private final Set<TableRef> baselined = new HashSet<>();
    private final List<TableCopy> copiesDue = new ArrayList<>();
    private final LazySession sourceSql;
    private final LazySession destinationSql;
    private long nextPoll;

    CatalogWatch(Settings settings, ShapeTracker shapes, Map<TableRef, Long> copiedAt) {
        this.settings = settings;
        this.shapes = shapes;
        this.sourceSql = new LazySession(settings.source());
        this.destinationSql = new LazySession(settings.destination());
        this.copiedAt.putAll(copiedAt);
    }

    /** Adds the copy positions the destination recorded for copies made during replication. */
    void recorded(Map<TableRef, TableStates.State> states) {
        states.forEach((table, state) -> {
            if (state.copiedAt() > 0) {
                copiedAt.merge(table, state.copiedAt(), Math::max);
            }
        });
    }

    /** The position {@code table}'s copy was read at; 0 when it came from the full load before the job's start. */
    long copiedAt(TableRef table) {
        Long at = copiedAt.get(table);
        return at == null ? 0 : at;
    }

    boolean selected(TableRef table) {
        return settings.selection() == null || settings.selection().includesTable(settings.source().database(), table);
    }

    boolean schemaSelected(String schema) {
        return settings.selection() == null || settings.selection().includesSchema(settings.source().database(), schema);
    }

    /**
     * Polls the catalogs when due (between source transactions only) and returns the work to hand out, in order;
     * {@code position} is how far the stream has been read.
     */
    List<Object> poll(long now, long position) {
        List<Object> work = new ArrayList<>(dueDrops(position));
        if (now < nextPoll) {
            return work;
        }
        nextPoll = now + settings.everyMillis();
        PgErrors.call(settings.source(), "reading the source's tables", () -> {
            Map<TableRef, Long> source = sourceTables();
            Map<TableRef, TableStates.State> states = destinationStates();
            Set<TableRef> destination = destinationTables();
            copying.entrySet().removeIf(e -> states.containsKey(e.getKey()) && states.get(e.getKey()).copiedAt() >= e.getValue());
            Map<TableRef, Long> unseen = new HashMap<>();
            for (var e : source.entrySet()) {
                TableRef table = e.getKey();
                if (copying.containsKey(table) || dropsDue.containsKey(table)) {
                    continue;
                }
                if (!destination.contains(table)) {
                    // With DDL capture the table is created by its replayed statement and its rows come from the stream.
                    if (!settings.captureDdl()) {
                        work.add(copy(table, false));
                    }
                    continue;
                }
                if (settings.captureDdl() && !states.containsKey(table) && !published(table)) {
                    // Made by a replayed statement, but a publication that lists its tables sends none of its rows yet.
                    copiesDue.add(deferredCopy(table));
                    continue;
                }
                TableStates.State state = states.get(table);
                if (state == null) {
                    if (baselined.add(table)) {
                        unseen.put(table, e.getValue());
                    }
                } else if (e.getValue() != 0 && state.storage() != 0 && state.storage() != e.getValue()) {
                    log.atInfo().addKeyValue("job", settings.job()).addKeyValue("table", table.toString())
                            .log("the source replaced the table's storage (a rewrite without decoded changes); copying it again");
                    if (settings.captureDdl()) {
                        copiesDue.add(deferredCopy(table));
                    } else {
                        work.add(copy(table, true));
                    }
                }
            }
            if (!unseen.isEmpty()) {
                work.add(new Baseline(unseen));
            }
            long head = -1;
            for (TableRef table : destination) {
                // Only a table Ferry copied or saw on the source goes: what else the destination holds is not Ferry's.
                if (!source.containsKey(table) && states.containsKey(table) && !dropped.contains(table)
                        && !dropsDue.containsKey(table)) {
                    if (head < 0) {
                        head = SourceLog.currentWalLsn(sourceSql.get());
                    }
                    dropsDue.put(table, head);
                }
            }
            return null;
        });
        work.addAll(dueDrops(position));
        return work;
    }

    /**
     * With DDL capture, a table copied again waits until the stream reaches its snapshot's position: the replayed
     * statements before it bring the destination table to the snapshot's shape first, so the copy changes no column.
     * Until then the table's changes still apply (the copy replaces them), so a stream stopped before that position
     * (a promotion) leaves nothing out. {@code next} is where the stream stands: the commit position of the
     * transaction about to be delivered, or (between transactions) the server's WAL end. Every transaction committed
     * before it was delivered and none after, so a copy whose position is at most {@code next} goes now, before
     * that transaction: it holds exactly what was delivered.
     */
    List<Object> dueCopies(long next) {
        List<Object> due = new ArrayList<>();
        var it = copiesDue.iterator();
        while (it.hasNext()) {
            TableCopy copy = it.next();
            long at = copy.snapshot().start().value();
            if (next >= at) {
                it.remove();
                copiedAt.merge(copy.table(), at, Math::max);
                due.add(copy);
            }
        }
        return due;
    }

    /** A copy of {@code table} again whose changes are skipped only once it is handed out ({@link #dueCopies}). */
    private TableCopy deferredCopy(TableRef table) {
        Long before = copiedAt.get(table);
        TableCopy copy = copy(table, true);
        if (before == null) {
            copiedAt.remove(table);
        } else {
            copiedAt.put(table, before);
        }
        return copy;
    }

    private List<Object> dueDrops(long position) {
        List<Object> due = new ArrayList<>();
        var it = dropsDue.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (position >= e.getValue()) {
                it.remove();
                dropped.add(e.getKey());
                copiedAt.remove(e.getKey());
                shapes.expect(e.getKey(), null);
                due.add(new DropTable(e.getKey()));
            }
        }
        return due;
    }

    /**
     * Prepares a copy of {@code table} from a new slot's snapshot (the table joins the publication first when the
     * publication lists its tables); its changes before the snapshot's position are skipped from now on.
     */
    TableCopy copy(TableRef table, boolean replace) {
        return PgErrors.call(settings.source(), "copying table " + table + " from a later snapshot", () -> {
            publish(table);
            SlotSnapshot snapshot = ReplicationStart.laterPoint(settings.source(), settings.slot());
            try {
                List<ColumnDefinition> columns;
                long storage;
                boolean partitioned;
                try (Connection c = PgConnector.open(settings.source())) {
                    c.setAutoCommit(false);
                    try (Statement st = c.createStatement()) {
                        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                        st.execute("SET TRANSACTION SNAPSHOT " + D.literal(snapshot.snapshotId()));
                    }
                    columns = TableCatalog.definedColumns(c, table);
                    try (PreparedStatement ps = c.prepareStatement("SELECT t.relfilenode, t.relkind = 'p' FROM pg_catalog.pg_class t "
                            + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ?")) {
                        ps.setString(1, table.schema());
                        ps.setString(2, table.table());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                throw new FerryException(ErrorCode.UNAVAILABLE, ("Table %s was dropped on the source while "
                                        + "Ferry was about to copy it; looking again").formatted(table));
                            }
                            storage = rs.getLong(1);
                            partitioned = rs.getBoolean(2);
                        }
                    }
                    c.rollback();
                }
                String definition = TableDump.dump(settings.tools().get(), settings.source(), snapshot.snapshotId(), table,
                        DumpSection.PRE_DATA);
                String constraints = TableDump.dump(settings.tools().get(), settings.source(), snapshot.snapshotId(), table,
                        DumpSection.POST_DATA);
                copiedAt.put(table, snapshot.start().value());
                copying.put(table, snapshot.start().value());
                shapes.expect(table, columns);
                return new TableCopy(table, snapshot, definition, constraints, replace, columns, storage, partitioned);
            } catch (RuntimeException e) {
                snapshot.close();
                throw e;
            }
        });
    }

    /** Whether the job's publication sends {@code table}'s changes (it publishes all tables, or lists this one). */
    private boolean published(TableRef table) throws SQLException {
        try (PreparedStatement ps = sourceSql.get().prepareStatement("SELECT p.puballtables OR EXISTS (SELECT 1 FROM "
                + "pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_class t ON t.oid = r.prrelid JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = t.relnamespace WHERE r.prpubid = p.oid AND n.nspname = ? AND t.relname = ?) "
                + "FROM pg_catalog.pg_publication p WHERE p.pubname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, settings.publication());
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || rs.getBoolean(1);
            }
        }
    }

    /** Adds {@code table} to the job's publication unless it publishes all tables or has it already. */
    private void publish(TableRef table) throws SQLException {
        Connection c = sourceSql.get();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.puballtables OR EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel r "
                + "JOIN pg_catalog.pg_class t ON t.oid = r.prrelid JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE r.prpubid = p.oid AND n.nspname = ? AND t.relname = ?) FROM pg_catalog.pg_publication p WHERE p.pubname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, settings.publication());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBoolean(1)) {
                    return;
                }
            }
        }
        String sql = "ALTER PUBLICATION " + D.quote(settings.publication()) + " ADD TABLE ONLY " + D.quote(table.schema(), table.table());
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new FerryException(ErrorCode.PERMISSION_DENIED, ("Table %s was created on the source after the job "
                        + "started and the job selects it, so Ferry must add it to publication %s, which needs the table's "
                        + "owner: run %s as its owner or a superuser (or make user %s a member of the owner's role) and resume "
                        + "the job").formatted(table, settings.publication(), sql, settings.source().username()), e);
            }
            throw e;
        }
        log.atInfo().addKeyValue("job", settings.job()).addKeyValue("table", table.toString())
                .addKeyValue("publication", settings.publication()).log("new table added to the job's publication");
    }

    /** The selected tables of the source, parents first, with their storage (0 for a partitioned parent). */
    private Map<TableRef, Long> sourceTables() throws SQLException {
        Map<TableRef, Long> tables = new LinkedHashMap<>();
        TableCatalog.storedTables(sourceSql.get()).forEach((table, facts) -> {
            if (selected(table)) {
                tables.put(table, facts[0]);
            }
        });
        return tables;
    }

    /** The destination's tables the job's selection covers, Ferry's own left out. */
    private Set<TableRef> destinationTables() throws SQLException {
        Set<TableRef> tables = new HashSet<>();
        for (TableRef table : TableCatalog.storedTables(destinationSql.get()).keySet()) {
            if (selected(table)) {
                tables.add(table);
            }
        }
        return tables;
    }

    private Map<TableRef, TableStates.State> destinationStates() throws SQLException {
        return TableStates.read(destinationSql.get(), settings.job());
    }

    @Override
    public void close() {
        copiesDue.forEach(copy -> copy.snapshot().close());
        copiesDue.clear();
        sourceSql.close();
        destinationSql.close();
    }
}
