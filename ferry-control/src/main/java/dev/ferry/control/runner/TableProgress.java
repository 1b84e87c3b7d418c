package dev.ferry.control.runner;

import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.Phase;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Records one table's copy progress as its job object, writing at most once a second while it streams. */
final class TableProgress implements CopyProgress {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Store store;
    private final Clock clock;
    private final String job;
    private final String database;
    private final TableInfo table;
    private Instant lastWrite = Instant.MIN;

    TableProgress(Store store, Clock clock, String job, String database, TableInfo table) {
        this.store = store;
        this.clock = clock;
        this.job = job;
        this.database = database;
        this.table = table;
    }

    void pending() {
        write(ObjectState.PENDING, 0, 0, null);
    }

    void started() {
        write(ObjectState.COPYING, 0, 0, null);
    }

    @Override
    public void copied(long rowsSoFar, long bytesSoFar) {
        Instant now = clock.instant();
        if (Duration.between(lastWrite, now).compareTo(INTERVAL) >= 0) {
            lastWrite = now;
            write(ObjectState.COPYING, rowsSoFar, bytesSoFar, null);
        }
    }

    @Override
    public void chunkCopied(String chunk, long rows, long bytes) {
        store.putCheckpoint(job, chunkPrefix(database, table) + chunk, rows + "," + bytes);
    }

    static String chunkPrefix(String database, TableInfo table) {
        return "chunk/" + FullLoad.tableKey(database, table) + "/";
    }

    void finished(CopyResult result) {
        write(ObjectState.COPIED, result.rows(), result.bytes(), null);
    }

    void failed(String error) {
        write(ObjectState.FAILED, 0, 0, error);
    }

    private void write(ObjectState state, long rows, long bytes, String error) {
        store.upsertObject(new JobObject(job, database, table.ref(), state, Phase.FULL_DUMP, table.estimatedRows(),
                table.estimatedBytes(), rows, bytes, 0, error, clock.instant()));
    }
}
