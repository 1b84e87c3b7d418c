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
    private final JobSignals signals;
    private final Runnable whenRowsLoaded;
    private Instant lastWrite = Instant.MIN;
    private long rows;
    private long bytes;

    TableProgress(Store store, Clock clock, String job, String database, TableInfo table) {
        this(store, clock, database, table, null, job, () -> { });
    }

    /** {@code whenRowsLoaded} runs, on the copying thread, when the engine says the table's rows are all in. */
    TableProgress(Store store, Clock clock, String database, TableInfo table, JobSignals signals, Runnable whenRowsLoaded) {
        this(store, clock, database, table, signals, signals.job(), whenRowsLoaded);
    }

    private TableProgress(Store store, Clock clock, String database, TableInfo table, JobSignals signals, String job,
            Runnable whenRowsLoaded) {
        this.store = store;
        this.clock = clock;
        this.job = job;
        this.database = database;
        this.table = table;
        this.signals = signals;
        this.whenRowsLoaded = whenRowsLoaded;
    }

    /** The table as the user reads it in events and health: {@code database.schema.table} ({@code database.table} on MySQL). */
    String subject() {
        return table.ref().nameIn(database);
    }

    void pending() {
        write(ObjectState.PENDING, 0, 0, null);
    }

    void started() {
        write(ObjectState.COPYING, 0, 0, null);
    }

    @Override
    public void copied(long rowsSoFar, long bytesSoFar) {
        rows = rowsSoFar;
        bytes = bytesSoFar;
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

    @Override
    public void rowsLoaded() {
        whenRowsLoaded.run();
    }

    @Override
    public void yielded(String waiter) {
        write(ObjectState.YIELDED, 0, 0, null);
        // The copy starts over: its first report shows it copying again at once.
        lastWrite = Instant.MIN;
        if (signals != null) {
            signals.yielded(subject(), waiter);
        }
    }

    @Override
    public void blocking(String waiter) {
        if (signals != null) {
            signals.blocking(subject(), waiter);
        }
    }

    @Override
    public void faulted(int attempt, String error, java.time.Duration retryIn) {
        if (signals != null) {
            signals.faulted(subject(), attempt, error, retryIn);
        }
    }

    @Override
    public void recovered() {
        if (signals != null) {
            signals.recovered(subject());
        }
    }

    static String chunkPrefix(String database, TableInfo table) {
        return "chunk/" + FullLoad.tableKey(database, table) + "/";
    }

    void finished(CopyResult result) {
        write(ObjectState.COPIED, result.rows(), result.bytes(), null);
        if (signals != null) {
            signals.cleared(subject());
        }
    }

    void failed(String error) {
        write(ObjectState.FAILED, 0, 0, error);
    }

    private void write(ObjectState state, long rows, long bytes, String error) {
        store.upsertObject(new JobObject(job, database, table.ref(), state, Phase.FULL_DUMP, table.estimatedRows(),
                table.estimatedBytes(), rows, bytes, 0, error, clock.instant()));
    }
}
