package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.concurrent.StreamingThreads;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.chunk.ChunkKey;
import dev.ferry.engine.mysql.chunk.ChunkPlanner;
import dev.ferry.engine.mysql.chunk.KeyRange;
import dev.ferry.engine.mysql.chunk.RangePredicate;
import dev.ferry.engine.mysql.copy.AbandonedLoads;
import dev.ferry.engine.mysql.copy.DestinationRows;
import dev.ferry.engine.mysql.copy.LoadSession;
import dev.ferry.engine.mysql.copy.LoadTarget;
import dev.ferry.engine.mysql.copy.SourceRows;
import dev.ferry.engine.mysql.copy.TableCopier;
import dev.ferry.engine.mysql.copy.TableTally;
import dev.ferry.engine.mysql.schema.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one table of a snapshot in key ranges (chunks), in parallel on the snapshot's workers, and resumes an
 * interrupted copy from the chunks already done.
 *
 * <p>Resuming: a done chunk's rows stay; every other row of the destination table is deleted, range by range of
 * the new plan, and copied again. Done chunks from another plan (the data or the estimates changed) are excluded
 * from the ranges copied now, so no row is copied twice. With nothing done the table is emptied first. Chunks
 * done under an earlier snapshot of a continuous job are not kept: replication will skip this table's changes up
 * to the new snapshot's position, which the old chunks do not reflect. Thread-safe.
 */
final class ChunkedCopy {
    private static final Logger log = LoggerFactory.getLogger(ChunkedCopy.class);

    private final DatabaseConnection source;
    private final WorkerPool pool;
    private final LoadSession loads;
    private final CopySettings settings;
    private final boolean keepDoneChunks;
    private final ChunkPlanner planner;
    private final TableCopier copier = new TableCopier();

    /** @param keepDoneChunks false when done chunks may come from another snapshot than this one's position */
    ChunkedCopy(DatabaseConnection source, WorkerPool pool, LoadSession loads, CopySettings settings, boolean keepDoneChunks) {
        this.source = source;
        this.pool = pool;
        this.loads = loads;
        this.settings = settings;
        this.keepDoneChunks = keepDoneChunks;
        this.planner = new ChunkPlanner(settings.sizing());
    }

    /** The fence checked before each write of the copies to the destination. */
    dev.ferry.core.spi.engine.Fence fence() {
        return loads.fence();
    }

    /** Copies the table at the pool's epoch {@code epoch}; {@link WorkerPool.PointEnded} when that point ends meanwhile. */
    CopyResult copy(TableInfo info, TableSchema table, DatabaseConnection destination, CopyProgress progress,
            Set<String> chunksDone, int epoch) {
        ChunkKey key = table.key();
        long started = settings.clock().millis();
        List<KeyRange> done = doneRanges(table, chunksDone);
        List<KeyRange> plan = plan(info, table, epoch);
        Set<KeyRange> doneSet = new HashSet<>(done);
        Set<KeyRange> planSet = new HashSet<>(plan);
        List<KeyRange> todo = new ArrayList<>();
        List<KeyRange> earlier = new ArrayList<>();
        if (!doneSet.contains(KeyRange.ALL)) {
            plan.stream().filter(r -> !doneSet.contains(r)).forEach(todo::add);
            done.stream().filter(r -> !planSet.contains(r)).forEach(earlier::add);
        }
        long kept = prepare(table, destination, done, todo, earlier);
        TableTally tally = new TableTally(settings.clock(), progress, kept);
        // Every chunk on its own platform thread; a chunk copy reacts to a stop between two of its statements.
        StreamingThreads.runAllOrCancel("ferry-chunk-", todo, pool.size(), "The table copy",
                range -> copyChunk(info, table, range, RangePredicate.of(key, range, earlier), destination, tally, epoch));
        tally.finish();
        log.atInfo().addKeyValue("table", table.ref().toString()).addKeyValue("rows", tally.rows())
                .addKeyValue("bytes", tally.bytes()).addKeyValue("chunks", plan.size())
                .addKeyValue("chunksKept", plan.size() - todo.size()).addKeyValue("rowsKept", kept)
                .addKeyValue("ms", settings.clock().millis() - started).log("table copied");
        return new CopyResult(tally.rows(), tally.bytes());
    }

    /** The done chunks that can be kept, parsed; none when they cannot be trusted or read. */
    private List<KeyRange> doneRanges(TableSchema table, Set<String> chunksDone) {
        if (chunksDone.isEmpty()) {
            return List.of();
        }
        if (!keepDoneChunks) {
            log.atInfo().addKeyValue("table", table.ref().toString()).addKeyValue("chunks", chunksDone.size())
                    .log("chunks copied under an earlier snapshot of a continuous job are copied again from this one");
            return List.of();
        }
        List<KeyRange> done = new ArrayList<>();
        for (String id : chunksDone) {
            try {
                done.add(KeyRange.parse(id, table.key()));
            } catch (IllegalArgumentException e) {
                log.atWarn().addKeyValue("table", table.ref().toString()).addKeyValue("chunk", id).addKeyValue("reason", e.getMessage())
                        .log("a chunk recorded as copied does not fit the table's key; the whole table is copied again");
                return List.of();
            }
        }
        return done;
    }

    private List<KeyRange> plan(TableInfo info, TableSchema table, int epoch) {
        if (table.key().isEmpty()) {
            return List.of(KeyRange.ALL);
        }
        Connection worker = pool.borrow(info.estimatedBytes(), epoch);
        try {
            return planner.plan(worker, table.ref(), table.key(), info.estimatedRows(), info.estimatedBytes(), pool.size());
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "plan the chunks of table " + table.ref());
        } finally {
            pool.giveBack(worker);
        }
    }

    /**
     * Makes the destination table hold exactly the done chunks' rows; returns how many it keeps. Loads that an earlier
     * attempt left running into the table are ended first (see {@link AbandonedLoads}).
     */
    private long prepare(TableSchema table, DatabaseConnection destination, List<KeyRange> done, List<KeyRange> todo,
            List<KeyRange> earlier) {
        try (LoadTarget target = loads.open(destination, table.ref().schema())) {
            // A load of an earlier attempt may still run on the server and commit after the table was emptied.
            AbandonedLoads.end(target.connection(), table.ref());
            target.fence().check();
            if (done.isEmpty()) {
                DestinationRows.empty(target.connection(), table.ref());
                return 0;
            }
            long deleted = 0;
            for (KeyRange range : todo) {
                deleted += DestinationRows.delete(target.connection(), table.ref(), RangePredicate.of(table.key(), range, earlier));
            }
            long kept = DestinationRows.count(target.connection(), table.ref());
            log.atInfo().addKeyValue("table", table.ref().toString()).addKeyValue("chunksDone", done.size())
                    .addKeyValue("rowsDeleted", deleted).addKeyValue("rowsKept", kept).log("resuming a table copy");
            return kept;
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "prepare table " + table.ref() + " for its copy");
        }
    }

    private void copyChunk(TableInfo info, TableSchema table, KeyRange range, RangePredicate where,
            DatabaseConnection destination, TableTally tally, int epoch) {
        long rowBytes = info.estimatedRows() > 0 ? info.estimatedBytes() / info.estimatedRows() : 0;
        Connection worker = pool.borrow(info.estimatedBytes(), epoch);
        try (LoadTarget target = loads.open(destination, table.ref().schema())) {
            CopyResult result = copier.copy(new SourceRows(worker, source, table, where, rowBytes), target, tally);
            tally.chunkDone(range.id(), result.rows(), result.bytes());
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "close the loading session of table " + table.ref());
        } finally {
            pool.giveBack(worker);
        }
    }
}
