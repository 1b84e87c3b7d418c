package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.postgres.catalog.BinaryFormatRule;
import dev.ferry.engine.postgres.catalog.IndexCatalog;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.catalog.PgType;
import dev.ferry.engine.postgres.catalog.SplitCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.Column;
import dev.ferry.engine.postgres.catalog.TypeCatalog;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import dev.ferry.engine.postgres.copy.CopyFormat;
import dev.ferry.engine.postgres.copy.CopyMeter;
import dev.ferry.engine.postgres.copy.CopyRange;
import dev.ferry.engine.postgres.copy.RangePlanner;
import dev.ferry.engine.postgres.copy.TableCopier;
import dev.ferry.engine.postgres.index.IndexBuilder;
import dev.ferry.engine.postgres.index.IndexStatements;
import dev.ferry.engine.postgres.internal.Workers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table copy, from an empty destination table to built indexes. A table up to the split size moves
 * in one COPY, in one destination transaction that first drops indexes left by an earlier attempt and
 * truncates, so the rows are written frozen. A larger table is truncated first and cut into key or block
 * ranges that several session pairs copy at once, each range in its own transaction. The source sessions
 * read in transactions of their own that import the consistent point and end with the rows, so the table's
 * lock is held for its copy only. Then the table's indexes are built on the destination sessions at hand,
 * while other tables are still copying. A copy that gives way to another session's DDL, or finds its table
 * changed since the point, starts over from a later point, with the destination table reshaped to the
 * source's new columns.
 */
final class TableCopyTask {
    private static final Logger log = LoggerFactory.getLogger(TableCopyTask.class);
    private static final long PROGRESS_INTERVAL_MILLIS = 250;
    static final double KEY_ORDER_CORRELATION = 0.9;

    /** How often a copy starts over at a later point before it gives up (each start follows a DDL on the table). */
    static final int MAX_RESTARTS = 20;
    /** How often a copy waits for a table lock held by another session before it gives up. */
    static final int MAX_LOCK_WAITS = 8;
    private static final Backoff LOCK_BACKOFF = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));
    private static final Duration WAITER_POLL = Duration.ofMillis(200);

    /**
     * The sessions, both servers (databases set), the source's major version, the consistent points, the copies
     * that must give way, the source catalog as it is now, and how long a waiter's DDL may take before the copy
     * starts over anyway, whether the job lets DDL through, and the fence checked before each commit on the destination.
     */
    record Context(SessionPool sessions, DatabaseConnection source, DatabaseConnection destination,
            int sourceMajor, Clock clock, CopyPoints points, Yields yields, CurrentCatalog now, Duration waiterBound,
            boolean yieldToDdl, java.util.Set<TableRef> readLater, java.util.Set<TableRef> gone,
            dev.ferry.core.spi.engine.Fence fence) {}

    /** The table changed since the point the copy read: read it from a point taken after {@code since}. */
    private static final class LaterPointNeeded extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final long since;

        LaterPointNeeded(long since) {
            super(null, null, false, false);
            this.since = since;
        }
    }

    /** The lock watcher ended the copy's hold on the table after its rows were read: the copy starts over. */
    private static final class GaveWay extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        GaveWay() {
            super(null, null, false, false);
        }
    }

    private final Context context;
    private final SplitSettings split;
    private final IndexBuilder indexes;

    TableCopyTask(Context context, SplitSettings split, IndexBuilder indexes) {
        this.context = context;
        this.split = split;
        this.indexes = indexes;
    }

    /**
     * Copies {@code table} at the snapshot's point; when the table changed since that point, or when the copy gave
     * way to another session's DDL ({@link LockWatcher}), copies it again from a later point with the table's
     * definition there. The table's indexes are those it has at the end of its copy; {@code plan} learns them.
     * The result carries the later point's position, if any.
     */
    CopyResult copy(TableInfo table, IndexPlan plan, CopyProgress progress) {
        TableRef ref = table.ref();
        CopyPoints.Lease point = context.points().base();
        int restarts = 0;
        int lockWaits = 0;
        try {
            while (true) {
                try {
                    CopyResult result = attempt(table, point, plan, progress);
                    context.yields().take(ref);
                    return result;
                } catch (TableGone e) {
                    context.yields().take(ref);
                    return dropGone(ref);
                } catch (LaterPointNeeded e) {
                    log.atInfo().addKeyValue("table", ref).log("table changed since the snapshot; reading it at a later point");
                    point.close();
                    point = later(ref, ++restarts, e.since);
                } catch (RuntimeException e) {
                    Optional<Yields.Waiter> waiter = context.yields().take(ref);
                    if (waiter.isPresent()) {
                        progress.yielded(waiter.get().shape());
                        point.close();
                        awaitThrough(waiter.get());
                        point = later(ref, ++restarts, System.nanoTime());
                    } else if (lockTimeout(e) && ++lockWaits <= MAX_LOCK_WAITS) {
                        log.atInfo().addKeyValue("table", ref).addKeyValue("attempt", lockWaits)
                                .log("another session holds the table's lock; trying again");
                        pause(LOCK_BACKOFF.delay(lockWaits, ThreadLocalRandom.current()), ref);
                    } else {
                        throw e;
                    }
                }
            }
        } finally {
            point.close();
        }
    }

    /**
     * The source dropped the table during the load: nothing to copy. Its empty destination table stays through the
     * post-data step (whose statements name it) and goes at the end of the load.
     */
    private CopyResult dropGone(TableRef ref) {
        log.atInfo().addKeyValue("table", ref).log("the source dropped the table during the load; it goes from the destination after the load");
        context.readLater().remove(ref);
        context.gone().add(ref);
        return new CopyResult(0, 0);
    }

    /** The table is not in the source at the copy's point any more. */
    private static final class TableGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TableGone() {
            super(null, null, false, false);
        }
    }

    private CopyPoints.Lease later(TableRef ref, int restarts, long since) {
        if (restarts > MAX_RESTARTS) {
            throw new FerryException(ErrorCode.UNAVAILABLE, ("Table %s of database %s on %s:%d changed %d times while it "
                    + "was being copied; copy it when its definition stops changing (resume the job)").formatted(ref,
                    context.source().database(), context.source().host(), context.source().port(), restarts));
        }
        return context.points().after(since);
    }

    /** Waits until the waiter's transaction ends (its DDL went through or failed), at most the waiter bound. */
    private void awaitThrough(Yields.Waiter waiter) {
        long deadline = System.nanoTime() + context.waiterBound().toNanos();
        while (System.nanoTime() < deadline && context.now().inTransaction(waiter.pid(), waiter.transactionStart())) {
            pause(WAITER_POLL, null);
        }
    }

    private static void pause(Duration pause, TableRef ref) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Copying " + (ref == null ? "a table" : "table " + ref)
                    + " was interrupted", e);
        }
    }

    private static boolean lockTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && SessionSettings.isLockTimeout(s)) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof SQLException s && SessionSettings.isLockTimeout(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private CopyResult attempt(TableInfo table, CopyPoints.Lease point, IndexPlan plan, CopyProgress progress) {
        long started = context.clock().millis();
        TableRef ref = table.ref();
        CopyMeter meter = new CopyMeter(givingWay(progress, ref), context.clock(), PROGRESS_INTERVAL_MILLIS);
        Connection src = context.sessions().source(point.point(), ref);
        Connection dst;
        try {
            dst = context.sessions().destination(context.destination());
        } catch (RuntimeException e) {
            context.sessions().release(src, false);
            throw e;
        }
        boolean sourceOpen = true;
        boolean done = false;
        try {
            List<Column> columns;
            Map<Long, PgType> types;
            List<CopyRange> ranges;
            List<String> reshaping;
            String definition;
            try {
                definition = holdAndCheck(src, ref);
                columns = TableCatalog.copyColumns(src, ref).orElseThrow(() -> new FerryException(
                        ErrorCode.FAILED_PRECONDITION, "Table %s is not in the snapshot of database %s on %s:%d"
                                .formatted(ref, context.source().database(), context.source().host(),
                                        context.source().port())));
                types = TypeCatalog.closure(src, columns.stream().map(Column::typeOid).distinct().toList());
                ranges = split.splits(table.estimatedBytes()) ? ranges(src, table) : List.of(new CopyRange.Whole());
                reshaping = point.isBase() ? List.of() : ColumnAlignment.statements(ref, definedColumns(src, ref, false),
                        PgErrors.call(context.destination(), "reading the columns of " + ref,
                                () -> definedColumns(dst, ref, true)));
            } catch (SQLException e) {
                throw PgErrors.translate(e, context.source(), "reading the columns of " + ref);
            }
            int destinationMajor = PgErrors.call(context.destination(), "preparing to load " + ref,
                    () -> dst.getMetaData().getDatabaseMajorVersion());
            CopyFormat format = chooseFormat(context.sourceMajor(), destinationMajor, columns, types);
            List<String> names = columns.stream().map(Column::name).toList();
            List<String> emptying = new ArrayList<>(plan.of(ref).stream().map(IndexStatements::drop).toList());
            emptying.add("TRUNCATE ONLY " + Dialect.POSTGRESQL.quote(ref.schema(), ref.table()));
            emptying.addAll(reshaping);
            if (!reshaping.isEmpty()) {
                log.atInfo().addKeyValue("table", ref).addKeyValue("statements", reshaping)
                        .log("destination table takes the source's new definition");
            }
            long rows;
            if (ranges.size() == 1) {
                rows = new TableCopier(new TableCopier.Side(src, context.source()),
                        new TableCopier.Side(dst, context.destination()), context.fence())
                        .copy(new TableCopier.Load(ref, names, format, ranges.getFirst(), true, emptying), meter);
            } else {
                rows = copyRanges(src, dst, point, ref, names, format, ranges, emptying, meter);
            }
            meter.finish(rows);
            List<IndexDef> tableIndexes = PgErrors.call(context.source(), "reading the indexes of " + ref,
                    () -> snapshotIndexes(src, ref));
            context.sessions().release(src, true);
            sourceOpen = false;
            tableIndexes = indexesNow(ref, definition, tableIndexes);
            plan.replace(ref, tableIndexes);
            long copied = context.clock().millis();
            progress.rowsLoaded();
            indexes.build(tableIndexes, dst, split.parallelism());
            // Loading sessions commit asynchronously; the caller checkpoints the table once this returns.
            PgErrors.call(context.destination(), "making the copy of " + ref + " durable", () -> {
                dev.ferry.engine.postgres.connect.SessionSettings.makeDurable(dst);
                return null;
            });
            log.atInfo().addKeyValue("table", ref).addKeyValue("rows", rows).addKeyValue("bytes", meter.bytes())
                    .addKeyValue("format", format.option()).addKeyValue("ranges", ranges.size())
                    .addKeyValue("indexes", tableIndexes.size()).addKeyValue("copyMs", copied - started)
                    .addKeyValue("indexMs", context.clock().millis() - copied)
                    .addKeyValue("laterPoint", !point.isBase()).log("table copied");
            if (!point.isBase()) {
                context.readLater().add(ref);
            }
            done = true;
            return new CopyResult(rows, meter.bytes(), point.readAt().orElse(null));
        } finally {
            if (sourceOpen) {
                context.sessions().release(src, false);
            }
            context.sessions().release(dst, done);
        }
    }

    /**
     * Takes the table's ACCESS SHARE lock (waiting at most the session's lock timeout), then checks that the table
     * is as the point saw it: a table rewritten, truncated or given other columns since then must be read from a
     * later point (an older snapshot would see a rewritten table empty, and the old columns).
     */
    private String holdAndCheck(Connection src, TableRef ref) throws SQLException {
        long now = System.nanoTime();
        try (Statement st = src.createStatement()) {
            st.execute("LOCK TABLE ONLY " + Dialect.POSTGRESQL.quote(ref.schema(), ref.table()) + " IN ACCESS SHARE MODE");
        } catch (SQLException e) {
            // 42P01: the table was dropped (the DROP this copy gave way to, or one since the snapshot).
            if ("42P01".equals(e.getSQLState())) {
                throw new TableGone();
            }
            throw e;
        }
        Optional<String> seen = TableCatalog.fingerprint(src, ref);
        if (seen.isPresent() && !seen.equals(context.now().fingerprint(ref))) {
            throw new LaterPointNeeded(now);
        }
        return seen.orElse("");
    }

    /**
     * {@code progress}, whose reports stop the copy once it must give way: rows the server sent before its session
     * was ended may still be buffered on the way, and reading them on would only delay the copy's new start.
     */
    private CopyProgress givingWay(CopyProgress progress, TableRef ref) {
        return (rows, bytes) -> {
            if (context.yields().marked(ref)) {
                throw new GaveWay();
            }
            progress.copied(rows, bytes);
        };
    }

    /** The table's indexes as the copy's point has them, read in its transaction. */
    private static List<IndexDef> snapshotIndexes(Connection src, TableRef ref) throws SQLException {
        try (Statement st = src.createStatement()) {
            st.execute("SET LOCAL search_path = ''");
            List<IndexDef> indexes = IndexCatalog.indexes(src, ref);
            st.execute("SET LOCAL search_path = DEFAULT");
            return indexes;
        }
    }

    /**
     * The indexes to build once the copy let go of the table. A copy that gave way meanwhile starts over. When the
     * job lets DDL through, an index created during the copy is built too: the table's indexes as they are now,
     * provided its definition is still the one the copy read ({@code definition}); a table changed right after its
     * copy is read again from a later point. Otherwise the point's indexes.
     */
    private List<IndexDef> indexesNow(TableRef ref, String definition, List<IndexDef> atPoint) {
        if (context.yields().marked(ref)) {
            throw new GaveWay();
        }
        if (!context.yieldToDdl()) {
            return atPoint;
        }
        long asked = System.nanoTime();
        try {
            boolean same = context.now().fingerprint(ref).orElse("").equals(definition);
            List<IndexDef> now = same ? context.now().indexes(ref) : List.of();
            if (same && context.now().fingerprint(ref).orElse("").equals(definition)) {
                return now;
            }
        } catch (FerryException e) {
            if (!lockTimeout(e)) {
                throw e;
            }
            // A DDL waits for the table now: keep the point's indexes; the table will be compared again below.
            return atPoint;
        }
        throw new LaterPointNeeded(asked);
    }

    /**
     * The columns as defined, with types and expressions naming their schemas: read in {@code c}'s open
     * transaction, or in one of its own ({@code ownTransaction}, for an idle session in autocommit mode).
     */
    private static List<TableCatalog.ColumnDefinition> definedColumns(Connection c, TableRef ref, boolean ownTransaction)
            throws SQLException {
        if (ownTransaction) {
            c.setAutoCommit(false);
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL search_path = ''");
            List<TableCatalog.ColumnDefinition> columns = TableCatalog.definedColumns(c, ref);
            if (ownTransaction) {
                c.commit();
            } else {
                st.execute("SET LOCAL search_path = DEFAULT");
            }
            return columns;
        } catch (SQLException e) {
            if (ownTransaction) {
                c.rollback();
            }
            throw e;
        } finally {
            if (ownTransaction) {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Key ranges of a single-column integer primary key, else block ranges (PostgreSQL 14+ scans TID
     * ranges). A key whose order the heap does not follow (planner correlation below
     * {@value #KEY_ORDER_CORRELATION}) would make each range's index scan jump all over the heap, so such a
     * table is cut by blocks too where the source can.
     */
    private List<CopyRange> ranges(Connection src, TableInfo table) throws SQLException {
        int parts = RangePlanner.parts(table.estimatedBytes(), split.splitBytes(), split.parallelism());
        boolean blocks = context.sourceMajor() >= 14;
        Optional<String> key = SplitCatalog.integerKey(src, table.ref());
        boolean keyOrdered = key.isPresent() && (!blocks || SplitCatalog.correlation(src, table.ref(), key.get())
                .map(c -> Math.abs(c) >= KEY_ORDER_CORRELATION).orElse(true));
        if (keyOrdered) {
            String column = key.get();
            return SplitCatalog.keyBounds(src, table.ref(), column)
                    .map(b -> RangePlanner.keyRanges(column, b[0], b[1], parts))
                    .orElse(List.of(new CopyRange.Whole()));
        }
        if (blocks) {
            return RangePlanner.blockRanges(SplitCatalog.blocks(src, table.ref()), parts);
        }
        return List.of(new CopyRange.Whole());
    }

    private long copyRanges(Connection src, Connection dst, CopyPoints.Lease point, TableRef ref, List<String> names,
            CopyFormat format, List<CopyRange> ranges, List<String> emptying, CopyMeter meter) {
        PgErrors.call(context.destination(), "emptying table " + ref, () -> {
            dst.setAutoCommit(false);
            try (var st = dst.createStatement()) {
                for (String sql : emptying) {
                    st.execute(sql);
                }
            }
            context.fence().check();
            dst.commit();
            dst.setAutoCommit(true);
            return null;
        });
        Queue<CopyRange> queue = new ConcurrentLinkedQueue<>(ranges);
        AtomicLong rows = new AtomicLong();
        List<Callable<Void>> workers = new ArrayList<>();
        workers.add(() -> drain(queue, src, dst, ref, names, format, meter, rows));
        for (int i = 1; i < Math.min(ranges.size(), split.parallelism()); i++) {
            workers.add(() -> {
                Connection s = context.sessions().source(point.point(), ref);
                boolean drained = false;
                try {
                    Connection d = context.sessions().destination(context.destination());
                    try {
                        drain(queue, s, d, ref, names, format, meter, rows);
                        drained = true;
                    } finally {
                        context.sessions().release(d, drained);
                    }
                } finally {
                    context.sessions().release(s, drained);
                }
                return null;
            });
        }
        Workers.runAll(workers, "Copying table " + ref);
        return rows.get();
    }

    private Void drain(Queue<CopyRange> queue, Connection src, Connection dst, TableRef ref, List<String> names,
            CopyFormat format, CopyMeter meter, AtomicLong rows) {
        TableCopier copier = new TableCopier(new TableCopier.Side(src, context.source()),
                new TableCopier.Side(dst, context.destination()), context.fence());
        CopyRange range;
        while ((range = queue.poll()) != null) {
            long loaded = copier.copy(new TableCopier.Load(ref, names, format, range, false, List.of()), meter);
            rows.addAndGet(loaded);
            log.atDebug().addKeyValue("table", ref).addKeyValue("range", range).addKeyValue("rows", loaded)
                    .log("range copied");
        }
        return null;
    }

    /** Binary between equal majors when every column type's binary form is portable; text otherwise. */
    static CopyFormat chooseFormat(int sourceMajor, int destinationMajor, List<Column> columns, Map<Long, PgType> types) {
        boolean portable = columns.stream().allMatch(c -> BinaryFormatRule.portable(c.typeOid(), types));
        return sourceMajor == destinationMajor && portable ? CopyFormat.BINARY : CopyFormat.TEXT;
    }
}
