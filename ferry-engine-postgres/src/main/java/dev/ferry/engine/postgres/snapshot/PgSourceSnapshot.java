package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine.SnapshotOptions;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.postgres.catalog.CatalogObject;
import dev.ferry.engine.postgres.catalog.PublicationCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.cdc.ReplicationNames;
import dev.ferry.engine.postgres.cdc.ReplicationStart;
import dev.ferry.engine.postgres.cdc.SlotSnapshot;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.copy.LargeObjectCopier;
import dev.ferry.engine.postgres.copy.SequenceCopier;
import dev.ferry.engine.postgres.index.IndexBuilder;
import dev.ferry.engine.postgres.schema.DumpOptions;
import dev.ferry.engine.postgres.schema.DumpSection;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.engine.postgres.schema.SchemaCopier;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of one source database read from one exported snapshot, held until {@link #close}: exported
 * by the job's new replication slot (continuous jobs, so the snapshot ends exactly where replication
 * starts), by a temporary slot (a resumed continuous load), or by {@code pg_export_snapshot()}
 * (one-time jobs). Schema travels through pg_dump sections, rows through COPY sessions that import the
 * snapshot; each table's indexes are built right after its rows, and the post-data section is dumped
 * in the background meanwhile. {@link #copyTable} is safe from several threads; each call uses its own
 * sessions, which later calls reuse, each reading its table in a transaction of its own that ends with the
 * table's copy. A {@link LockWatcher} makes a copy give way to a session that waits for its lock (a DDL),
 * and such a table is read again from a later point ({@link CopyPoints}).
 */
public final class PgSourceSnapshot implements SourceSnapshot {
    private static final Logger log = LoggerFactory.getLogger(PgSourceSnapshot.class);
    private static final Duration MIN_WAITER_BOUND = Duration.ofSeconds(30);

    private final DatabaseConnection source;
    private final ObjectSelection selection;
    private final String job;
    private final ExportedSnapshot snapshot;
    private final Position start;
    private final int sourceMajor;
    private final Clock clock;
    private final SchemaPlan plan;
    private final IndexPlan indexes;
    private final SplitSettings split;
    private final Semaphore indexPermits;
    private final PostDataStep postData;
    private final SessionPool sessions;
    private final Duration lockWait;
    private final boolean yieldToDdl;
    private final CopyPoints points;
    private final Yields yields = new Yields();
    /** Tables read from a later point than the snapshot, after their copy gave way to a DDL. */
    private final java.util.Set<TableRef> readLater = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Tables the source dropped while the load copied them. */
    private final java.util.Set<TableRef> gone = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CurrentCatalog now;
    private final Map<TableRef, CopyProgress> inFlight = new ConcurrentHashMap<>();
    private final LockWatcher watcher;
    private volatile List<TableInfo> tables;
    /** Checked before each write to the destination (see {@link SnapshotOptions#fence}). */
    private final dev.ferry.core.spi.engine.Fence fence;

    private PgSourceSnapshot(DatabaseConnection source, SnapshotOptions options, ExportedSnapshot snapshot,
            Position start, int sourceMajor, Clock clock, Supplier<PgTools> tools) {
        this.source = source;
        this.selection = options.selection();
        this.job = options.jobName();
        this.fence = options.fence();
        this.snapshot = snapshot;
        this.start = start;
        this.sourceMajor = sourceMajor;
        this.clock = clock;
        this.plan = new SchemaPlan(source, selection, snapshot, tools);
        this.indexes = new IndexPlan(snapshot, source, () -> new HashSet<>(tables().stream().map(TableInfo::ref).toList()));
        this.split = SplitSettings.of(options.parallelism());
        this.indexPermits = new Semaphore(split.parallelism());
        // The job's publication is in the snapshot (it was created first) but belongs to the source only.
        String publication = options.forReplication() ? names(options, source.database()).publication() : null;
        // So are the event triggers of a job's DDL capture.
        this.postData = new PostDataStep(indexes, () -> plan.tools(sourceMajor), source, () -> snapshot.withConnection(c -> {
            Set<CatalogObject> own = new HashSet<>(PublicationCatalog.ferryEventTriggers(c));
            if (publication != null) {
                own.addAll(PublicationCatalog.objects(c, publication));
            }
            return own;
        }, "reading publications and event triggers"));
        this.lockWait = options.reliability().effectiveLockWait();
        this.yieldToDdl = options.reliability().effectiveYieldToDdl();
        this.sessions = new SessionPool(source, lockWait, 2 * split.parallelism());
        this.points = new CopyPoints(snapshot, options.forReplication()
                ? () -> laterSlotPoint(source, names(options, source.database()).slot(), lockWait)
                : () -> ExportedSnapshot.export(source, lockWait));
        this.now = new CurrentCatalog(source, lockWait);
        this.watcher = new LockWatcher(source, sessions, yields, yieldToDdl, lockWait,
                (table, waiter) -> {
                    CopyProgress p = inFlight.get(table);
                    if (p != null) {
                        p.blocking(waiter);
                    }
                }).start();
    }

    private static ExportedSnapshot laterSlotPoint(DatabaseConnection source, String jobSlot, Duration lockWait) {
        SlotSnapshot slot = ReplicationStart.laterPoint(source, jobSlot);
        return ExportedSnapshot.held(source, slot.snapshotId(), slot, lockWait, slot.start());
    }

    private static dev.ferry.core.spi.engine.ReplicationObjects names(SnapshotOptions options, String database) {
        return options.replicationObjects() != null ? options.replicationObjects()
                : ReplicationNames.of(null, options.jobName(), database);
    }

    /** Opens the snapshot of {@code database} on {@code source} that {@code options} call for. */
    public static PgSourceSnapshot open(DatabaseConnection source, String database, SnapshotOptions options, Clock clock,
            Supplier<PgTools> tools) {
        DatabaseConnection db = source.withDatabase(database);
        ExportedSnapshot snapshot;
        Position start = null;
        if (options.forReplication()) {
            SlotSnapshot slot = ReplicationStart.begin(db, options.jobName(), names(options, database),
                    options.selection(), options.resumingReplication(), options.reliability().effectiveCaptureDdl());
            try {
                snapshot = ExportedSnapshot.adopt(db, slot.snapshotId(), slot, options.reliability().effectiveLockWait());
            } catch (RuntimeException e) {
                slot.close();
                throw e;
            }
            start = slot.start();
        } else {
            snapshot = ExportedSnapshot.export(db, options.reliability().effectiveLockWait());
        }
        try {
            int major = snapshot.withConnection(c -> c.getMetaData().getDatabaseMajorVersion(), "reading the version");
            log.atInfo().addKeyValue("job", options.jobName()).addKeyValue("database", database)
                    .addKeyValue("snapshot", snapshot.id()).addKeyValue("position", start == null ? "" : start.text())
                    .log("source snapshot exported");
            return new PgSourceSnapshot(db, options, snapshot, start, major, clock, tools);
        } catch (RuntimeException e) {
            snapshot.close();
            throw e;
        }
    }

    @Override
    public String database() {
        return source.database();
    }

    @Override
    public Optional<Position> replicationStart() {
        return Optional.ofNullable(start);
    }

    @Override
    public List<TableInfo> tables() {
        List<TableInfo> known = tables;
        if (known == null) {
            known = snapshot.withConnection(c -> TableCatalog.tables(c, database(), selection), "listing tables");
            tables = known;
        }
        return known;
    }

    @Override
    public void copySchemaBefore(DatabaseConnection destination) {
        DatabaseConnection dest = destination.withDatabase(database());
        DumpOptions options = plan.options(dest).withLockWait(lockWait);
        PgTools checked = plan.tools(sourceMajor);
        // The post-data section reads the same snapshot: dump it while the pre-data applies and tables copy.
        postData.start(options.withSection(DumpSection.POST_DATA));
        fence.check();
        new SchemaCopier(checked).copy(options.withSection(DumpSection.PRE_DATA), source, dest);
        if (start != null) {
            // What change replication compares the source's tables with later: their storage in this snapshot (a
            // table rewritten without decoded changes is copied again) and that they are the job's (dropped with it).
            Map<TableRef, Long> storage = new java.util.HashMap<>();
            snapshot.withConnection(c -> TableCatalog.storedTables(c), "reading table storage").forEach((table, facts) -> {
                if (selection == null || selection.includesTable(database(), table)) {
                    storage.put(table, facts[0]);
                }
            });
            fence.check();
            ReplicationStart.recordStorage(dest, job, storage);
        }
    }

    @Override
    public CopyResult copyTable(TableInfo table, DatabaseConnection destination, CopyProgress progress) {
        DatabaseConnection dest = destination.withDatabase(database());
        var context = new TableCopyTask.Context(sessions, source, dest, sourceMajor, clock, points, yields, now,
                waiterBound(), yieldToDdl, readLater, gone, fence);
        inFlight.put(table.ref(), progress);
        try {
            return new TableCopyTask(context, split, indexBuilder(dest)).copy(table, indexes, progress);
        } finally {
            inFlight.remove(table.ref());
        }
    }

    /** How long a copy that gave way waits for the other session's transaction before it starts over anyway. */
    private Duration waiterBound() {
        Duration tenfold = lockWait.multipliedBy(10);
        return tenfold.compareTo(MIN_WAITER_BOUND) > 0 ? tenfold : MIN_WAITER_BOUND;
    }

    @Override
    public void copySchemaAfter(DatabaseConnection destination) {
        DatabaseConnection dest = destination.withDatabase(database());
        fence.check();
        copyLargeObjects(dest);
        fence.check();
        postData.apply(plan.options(dest).withLockWait(lockWait).withSection(DumpSection.POST_DATA), indexBuilder(dest),
                split.parallelism(),
                dest);
        // The post-data section was dumped at the snapshot: what a DDL added to a table the copy gave way to comes now.
        readLater.removeAll(gone);
        fence.check();
        LateSchema.apply(source, dest, readLater);
        dropGone(dest);
        fence.check();
        copySequences(dest);
    }

    /** Drops on the destination the tables the source dropped during the load. */
    private void dropGone(DatabaseConnection dest) {
        if (gone.isEmpty()) {
            return;
        }
        PgErrors.call(dest, "dropping the tables the source dropped during the load", () -> {
            try (Connection c = PgConnector.open(dest); java.sql.Statement st = c.createStatement()) {
                st.execute("SET default_transaction_read_only = off");
                for (TableRef table : gone) {
                    st.execute("DROP TABLE IF EXISTS " + dev.ferry.core.Dialect.POSTGRESQL.quote(table.schema(), table.table())
                            + " CASCADE");
                    log.atInfo().addKeyValue("table", table).log("dropped on the destination: the source dropped it during the load");
                }
            }
            return null;
        });
    }

    private IndexBuilder indexBuilder(DatabaseConnection dest) {
        return new IndexBuilder(dest, indexPermits, !plan.options(dest).noTablespaces());
    }

    private void copyLargeObjects(DatabaseConnection dest) {
        try (Connection d = PgConnector.open(dest)) {
            LargeObjectCopier.Result result = snapshot.withConnection(c -> LargeObjectCopier.copy(c, d, dest),
                    "copying large objects");
            if (result.objects() > 0) {
                log.atInfo().addKeyValue("database", database()).addKeyValue("objects", result.objects())
                        .addKeyValue("bytes", result.bytes()).log("large objects copied");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, dest, "copying large objects");
        }
    }

    private void copySequences(DatabaseConnection dest) {
        try (Connection d = PgConnector.open(dest)) {
            List<TableRef> missing = snapshot.withConnection(c -> {
                List<TableRef> sequences = TableCatalog.sequences(c).stream()
                        .filter(s -> selection == null || selection.includesSchema(database(), s.schema()))
                        .toList();
                return SequenceCopier.copy(c, d, dest, sequences);
            }, "copying sequence values");
            if (!missing.isEmpty()) {
                log.atWarn().addKeyValue("database", database()).addKeyValue("sequences", missing)
                        .log("sequences missing on the destination were not set");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, dest, "copying sequence values");
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
            postData.close();
            sessions.close();
            now.close();
            points.close();
        } finally {
            snapshot.close();
        }
    }
}
