package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the job runner does for one database, in the order it does it: the engine calls under test. */
final class CopyFlow {
    private CopyFlow() {}

    static Engine.SnapshotOptions options(int parallelism) {
        return new Engine.SnapshotOptions("job-it", new ObjectSelection(ObjectsConfig.ALL), false, parallelism);
    }

    /** Creates the database on the destination, checks it is empty, and prepares the schema. */
    static void prepare(Engine engine, DatabaseConnection source, DatabaseConnection destination, String database,
            SourceSnapshot snapshot) {
        engine.createDatabase(source, destination, database);
        assertThat(engine.userObjects(destination, database)).isEmpty();
        snapshot.copySchemaBefore(destination);
    }

    /** Copies every table of the snapshot, in parallel on virtual threads, and finishes the schema. */
    static List<CopyResult> copyAll(SourceSnapshot snapshot, DatabaseConnection destination) throws Exception {
        List<CopyResult> results = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<CopyResult>> futures = new ArrayList<>();
            for (TableInfo t : snapshot.tables()) {
                futures.add(executor.submit(() -> snapshot.copyTable(t, destination, (rows, bytes) -> { })));
            }
            for (Future<CopyResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        snapshot.copySchemaAfter(destination);
        return results;
    }

    /** The whole one-time copy of {@code database}. */
    static void migrate(Engine engine, DatabaseConnection source, DatabaseConnection destination, String database, int parallelism)
            throws Exception {
        try (SourceSnapshot snapshot = engine.openSnapshot(source, database, options(parallelism))) {
            prepare(engine, source, destination, database, snapshot);
            copyAll(snapshot, destination);
        }
    }
}
