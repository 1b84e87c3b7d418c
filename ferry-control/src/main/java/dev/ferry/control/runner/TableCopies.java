package dev.ferry.control.runner;

import dev.ferry.core.FerryException;
import dev.ferry.core.concurrent.StreamingThreads;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a database's tables in parallel, in the order given (largest first), at most {@code parallelism} at a time;
 * the first failure cancels the rest and is rethrown, and a stop (an interrupt) cancels the running copies instead of
 * waiting for them to finish.
 */
final class TableCopies {
    private static final Logger log = LoggerFactory.getLogger(TableCopies.class);

    private final Store store;
    private final Clock clock;
    private final JobSignals signals;
    private final String job;
    private final String database;
    private final int parallelism;
    private final ReadThrottle throttle;

    TableCopies(Store store, Clock clock, JobSignals signals, String database, int parallelism) {
        this(store, clock, signals, database, parallelism, null);
    }

    /** {@code readBytesPerSecond}: the job's read cap (null: none). */
    TableCopies(Store store, Clock clock, JobSignals signals, String database, int parallelism, Long readBytesPerSecond) {
        this.throttle = new ReadThrottle(readBytesPerSecond);
        this.store = store;
        this.clock = clock;
        this.signals = signals;
        this.job = signals.job();
        this.database = database;
        this.parallelism = parallelism;
    }

    /** What the load learns of each table's copy, on the thread copying it. */
    interface Listener {
        /** Every row of {@code table} is committed on the destination; its indexes are still being built. */
        default void rowsLoaded(TableInfo table) {}

        /** {@code table}'s copy is done, indexes included. */
        void copied(TableInfo table, CopyResult result);
    }

    void copy(SourceSnapshot snapshot, List<TableInfo> tables, DatabaseConnection target, Listener listener)
            throws InterruptedException {
        StreamingThreads.runAll("ferry-copy-" + database + "-", tables, parallelism, "Copying the tables of " + database,
                table -> copyOne(snapshot, table, target, listener));
    }

    private void copyOne(SourceSnapshot snapshot, TableInfo table, DatabaseConnection target, Listener listener) {
        var recorder = new TableProgress(store, clock, database, table, signals, () -> listener.rowsLoaded(table));
        try {
            recorder.started();
            String prefix = TableProgress.chunkPrefix(database, table);
            Set<String> chunksDone = store.checkpoints(job).keySet().stream()
                    .filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                    .collect(Collectors.toSet());
            CopyResult result = snapshot.copyTable(table, target, throttle.around(recorder), chunksDone);
            listener.copied(table, result);
            recorder.finished(result);
            log.atDebug().addKeyValue("job", job).addKeyValue("table", table.ref())
                    .addKeyValue("rows", result.rows()).log("table copied");
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted()) {
                // Cancelled: the job stops, or another table's copy failed. This table is copied again on resume.
                recorder.pending();
            } else {
                recorder.failed(e instanceof FerryException ? e.getMessage() : "Unexpected error; see the server log");
            }
            throw e;
        }
    }
}
