package dev.ferry.control.runner;

import dev.ferry.core.FerryException;
import dev.ferry.core.concurrent.StreamingThreads;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a database's tables in parallel, in the order given (largest first), at most
 * {@code parallelism} at a time; the first failure cancels the rest and is rethrown.
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

    void copy(SourceSnapshot snapshot, List<TableInfo> tables, DatabaseConnection target,
            java.util.function.BiConsumer<TableInfo, CopyResult> copied)
            throws InterruptedException {
        var permits = new Semaphore(parallelism);
        var failed = new java.util.concurrent.atomic.AtomicBoolean();
        // Platform threads, started once a permit is free (see StreamingThreads).
        try (var executor = StreamingThreads.perTask("ferry-copy-" + database + "-")) {
            List<Future<CopyResult>> results = new ArrayList<>();
            for (TableInfo table : tables) {
                permits.acquire();
                if (failed.get()) {
                    permits.release();
                    break;
                }
                results.add(executor.submit(() -> {
                    var recorder = new TableProgress(store, clock, database, table, signals);
                    try {
                        recorder.started();
                        String prefix = TableProgress.chunkPrefix(database, table);
                        Set<String> chunksDone = store.checkpoints(job).keySet().stream()
                                .filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                                .collect(Collectors.toSet());
                        CopyResult result = snapshot.copyTable(table, target, throttle.around(recorder), chunksDone);
                        copied.accept(table, result);
                        recorder.finished(result);
                        log.atDebug().addKeyValue("job", job).addKeyValue("table", table.ref())
                                .addKeyValue("rows", result.rows()).log("table copied");
                        return result;
                    } catch (FerryException e) {
                        failed.set(true);
                        recorder.failed(e.getMessage());
                        throw e;
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        recorder.failed("Unexpected error; see the server log");
                        throw e;
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<CopyResult> result : results) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    results.forEach(f -> f.cancel(true));
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    if (e.getCause() instanceof InterruptedException cause) {
                        throw cause;
                    }
                    throw new IllegalStateException("table copy failed", e.getCause());
                }
            }
        }
    }
}
