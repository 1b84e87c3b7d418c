package dev.ferry.engine.postgres;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Drives a full load of one database the way the job runner does: schema, tables in parallel (largest first), schema. */
final class LoadDriver {
    private LoadDriver() {}

    /** Copies {@code database} from {@code source} to the server {@code destination}; returns the tables copied. */
    static List<TableInfo> run(Engine engine, DatabaseConnection source, DatabaseConnection destination, String database,
            Engine.SnapshotOptions options) {
        return run(engine, source, destination, database, options, () -> { });
    }

    /** As {@link #run}, with {@code afterSnapshot} run once the snapshot is open (to write what it must not see). */
    static List<TableInfo> run(Engine engine, DatabaseConnection source, DatabaseConnection destination, String database,
            Engine.SnapshotOptions options, Runnable afterSnapshot) {
        engine.createDatabase(source, destination, database);
        DatabaseConnection d = destination.withDatabase(database);
        var permits = new Semaphore(options.parallelism());
        try (var snapshot = engine.openSnapshot(source, database, options);
                var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            afterSnapshot.run();
            List<TableInfo> tables = snapshot.tables();
            snapshot.copySchemaBefore(d);
            List<Future<CopyResult>> copies = new ArrayList<>();
            for (TableInfo table : tables) {
                copies.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return snapshot.copyTable(table, d, CopyProgress.NONE);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<CopyResult> copy : copies) {
                copy.get();
            }
            snapshot.copySchemaAfter(d);
            return tables;
        } catch (Exception e) {
            throw new AssertionError("copy failed", e);
        }
    }
}
