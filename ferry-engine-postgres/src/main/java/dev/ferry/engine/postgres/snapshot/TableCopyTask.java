package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.postgres.catalog.BinaryFormatRule;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.catalog.PgType;
import dev.ferry.engine.postgres.catalog.SplitCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.Column;
import dev.ferry.engine.postgres.catalog.TypeCatalog;
import dev.ferry.engine.postgres.connect.PgErrors;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table copy, from an empty destination table to built indexes. A table up to the split size moves
 * in one COPY, in one destination transaction that first drops indexes left by an earlier attempt and
 * truncates, so the rows are written frozen. A larger table is truncated first and cut into key or block
 * ranges that several session pairs copy at once, each range in its own transaction. Then the table's
 * indexes are built on the destination sessions at hand, while other tables are still copying.
 */
final class TableCopyTask {
    private static final Logger log = LoggerFactory.getLogger(TableCopyTask.class);
    private static final long PROGRESS_INTERVAL_MILLIS = 250;
    static final double KEY_ORDER_CORRELATION = 0.9;

    /** The sessions, both servers (databases set) and the source's major version. */
    record Context(SessionPool sessions, DatabaseConnection source, DatabaseConnection destination,
            int sourceMajor, Clock clock) {}

    private final Context context;
    private final SplitSettings split;
    private final IndexBuilder indexes;

    TableCopyTask(Context context, SplitSettings split, IndexBuilder indexes) {
        this.context = context;
        this.split = split;
        this.indexes = indexes;
    }

    CopyResult copy(TableInfo table, List<IndexDef> tableIndexes, CopyProgress progress) {
        long started = context.clock().millis();
        TableRef ref = table.ref();
        CopyMeter meter = new CopyMeter(progress, context.clock(), PROGRESS_INTERVAL_MILLIS);
        Connection src = context.sessions().source();
        Connection dst;
        try {
            dst = context.sessions().destination(context.destination());
        } catch (RuntimeException e) {
            context.sessions().release(src, true);
            throw e;
        }
        boolean done = false;
        try {
            List<Column> columns;
            Map<Long, PgType> types;
            List<CopyRange> ranges;
            try {
                columns = TableCatalog.copyColumns(src, ref).orElseThrow(() -> new FerryException(
                        ErrorCode.FAILED_PRECONDITION, "Table %s is not in the snapshot of database %s on %s:%d"
                                .formatted(ref, context.source().database(), context.source().host(),
                                        context.source().port())));
                types = TypeCatalog.closure(src, columns.stream().map(Column::typeOid).distinct().toList());
                ranges = split.splits(table.estimatedBytes()) ? ranges(src, table) : List.of(new CopyRange.Whole());
            } catch (SQLException e) {
                throw PgErrors.translate(e, context.source(), "reading the columns of " + ref);
            }
            int destinationMajor = PgErrors.call(context.destination(), "preparing to load " + ref,
                    () -> dst.getMetaData().getDatabaseMajorVersion());
            CopyFormat format = chooseFormat(context.sourceMajor(), destinationMajor, columns, types);
            List<String> names = columns.stream().map(Column::name).toList();
            List<String> emptying = new ArrayList<>(tableIndexes.stream().map(IndexStatements::drop).toList());
            emptying.add("TRUNCATE ONLY " + Dialect.POSTGRESQL.quote(ref.schema(), ref.table()));
            long rows;
            if (ranges.size() == 1) {
                rows = new TableCopier(new TableCopier.Side(src, context.source()),
                        new TableCopier.Side(dst, context.destination()))
                        .copy(new TableCopier.Load(ref, names, format, ranges.getFirst(), true, emptying), meter);
            } else {
                rows = copyRanges(src, dst, ref, names, format, ranges, emptying, meter);
            }
            meter.finish(rows);
            long copied = context.clock().millis();
            indexes.build(tableIndexes, dst, split.parallelism());
            // Loading sessions commit asynchronously; the caller checkpoints the table once this returns.
            PgErrors.call(context.destination(), "making the copy of " + ref + " durable", () -> {
                dev.ferry.engine.postgres.connect.SessionSettings.makeDurable(dst);
                return null;
            });
            log.atInfo().addKeyValue("table", ref).addKeyValue("rows", rows).addKeyValue("bytes", meter.bytes())
                    .addKeyValue("format", format.option()).addKeyValue("ranges", ranges.size())
                    .addKeyValue("indexes", tableIndexes.size()).addKeyValue("copyMs", copied - started)
                    .addKeyValue("indexMs", context.clock().millis() - copied).log("table copied");
            done = true;
            return new CopyResult(rows, meter.bytes());
        } finally {
            context.sessions().release(src, done);
            context.sessions().release(dst, done);
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

    private long copyRanges(Connection src, Connection dst, TableRef ref, List<String> names, CopyFormat format,
            List<CopyRange> ranges, List<String> emptying, CopyMeter meter) {
        PgErrors.call(context.destination(), "emptying table " + ref, () -> {
            dst.setAutoCommit(false);
            try (var st = dst.createStatement()) {
                for (String sql : emptying) {
                    st.execute(sql);
                }
            }
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
                Connection s = context.sessions().source();
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
                new TableCopier.Side(dst, context.destination()));
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
