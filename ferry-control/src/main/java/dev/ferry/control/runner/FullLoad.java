package dev.ferry.control.runner;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FULL_DUMP phase, one source database after another: snapshot, schema before the data, tables in
 * parallel (largest first), schema after the data. A database is checkpointed {@code started} before
 * anything is written to it and {@code done} after; resuming a database that was started but not done
 * wipes what Ferry wrote there and copies it again from a new snapshot, because the snapshot of the
 * interrupted attempt died with its connection and mixing two snapshots would not be consistent.
 */
final class FullLoad {
    private static final Logger log = LoggerFactory.getLogger(FullLoad.class);

    static final String STARTED = "started";
    static final String DONE = "done";

    private final Store store;
    private final JobReporter reporter;
    private final Clock clock;

    FullLoad(Store store, JobReporter reporter, Clock clock) {
        this.store = store;
        this.reporter = reporter;
        this.clock = clock;
    }

    static String checkpointKey(String database) {
        return "db/" + database;
    }

    void run(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<String> databases, int parallelism) throws InterruptedException {
        for (String database : databases) {
            String key = checkpointKey(database);
            String mark = store.checkpoint(job.name(), key).orElse("");
            if (mark.equals(DONE)) {
                continue;
            }
            if (mark.equals(STARTED)) {
                reporter.event(job.name(), Severity.WARNING, ("Database %s was interrupted during its copy; "
                        + "clearing what was copied and copying it again from a new snapshot").formatted(database));
                engine.clearDatabase(destination, database);
            }
            store.putCheckpoint(job.name(), key, STARTED);
            copyDatabase(job, engine, source.withDatabase(database), destination, database, parallelism);
            store.putCheckpoint(job.name(), key, DONE);
            reporter.event(job.name(), Severity.INFO, "Database %s copied".formatted(database));
        }
    }

    private void copyDatabase(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            String database, int parallelism) throws InterruptedException {
        checkInterrupted(job);
        boolean created = engine.createDatabase(source, destination, database);
        if (created) {
            reporter.event(job.name(), Severity.INFO, "Created database %s on the destination".formatted(database));
        }
        DatabaseConnection target = destination.withDatabase(database);
        var options = new Engine.SnapshotOptions(job.name(), new ObjectSelection(job.objectsConfig()), false, parallelism);
        try (SourceSnapshot snapshot = engine.openSnapshot(source, database, options)) {
            List<TableInfo> tables = snapshot.tables();
            List<TableProgress> progress = tables.stream()
                    .map(t -> new TableProgress(store, clock, job.name(), database, t)).toList();
            progress.forEach(TableProgress::pending);
            reporter.event(job.name(), Severity.INFO, "Copying database %s: %d tables, schema first"
                    .formatted(database, tables.size()));
            checkInterrupted(job);
            snapshot.copySchemaBefore(target);
            copyTables(job, snapshot, tables, progress, target, parallelism);
            checkInterrupted(job);
            reporter.event(job.name(), Severity.INFO,
                    "Building indexes, constraints and the rest of the schema of %s".formatted(database));
            snapshot.copySchemaAfter(target);
        }
    }

    private void copyTables(MigrationJob job, SourceSnapshot snapshot, List<TableInfo> tables,
            List<TableProgress> progress, DatabaseConnection target, int parallelism) throws InterruptedException {
        var permits = new Semaphore(parallelism);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<CopyResult>> results = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                TableInfo table = tables.get(i);
                TableProgress recorder = progress.get(i);
                results.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        recorder.started();
                        CopyResult result = snapshot.copyTable(table, target, recorder);
                        recorder.finished(result);
                        log.atDebug().addKeyValue("job", job.name()).addKeyValue("table", table.ref())
                                .addKeyValue("rows", result.rows()).log("table copied");
                        return result;
                    } catch (FerryException e) {
                        recorder.failed(e.getMessage());
                        throw e;
                    } catch (RuntimeException e) {
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
                    throw new IllegalStateException("table copy failed", e.getCause());
                }
            }
        }
    }

    private static void checkInterrupted(MigrationJob job) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("job " + job.name() + " interrupted");
        }
    }

    static FerryException cancelled(MigrationJob job, Throwable cause) {
        return new FerryException(ErrorCode.CANCELLED, "Migration job %s was stopped".formatted(job.name()), cause);
    }
}
