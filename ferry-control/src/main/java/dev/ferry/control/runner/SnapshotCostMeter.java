package dev.ferry.control.runner;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While a database's full-load snapshot is open, measures every {@code every} what it costs the source (how far
 * the snapshot holds back the cleanup of old row versions, and the WAL of the job's slot when there is one) and
 * records it as the database's {@link Retention}, which {@code describe}, the API and the metrics show. Runs on a
 * virtual thread until closed, and then removes its measurement; a measurement that fails keeps the last one.
 */
final class SnapshotCostMeter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotCostMeter.class);

    private final Thread thread;
    private final Runnable forget;

    private SnapshotCostMeter(Thread thread, Runnable forget) {
        this.thread = thread;
        this.forget = forget;
    }

    static SnapshotCostMeter start(Store store, Clock clock, String job, Engine engine, DatabaseConnection source,
            String database, ReplicationObjects names, Duration every) {
        Thread thread = Thread.ofVirtual().name("ferry-snapshot-cost-" + job).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    var measured = engine.retention(source.withDatabase(database), database, names);
                    store.putCheckpoint(job, Retention.PREFIX + database, new Retention(database,
                            measured.retainedWalBytes(), measured.cleanupHeldBackTransactions(), clock.instant()).text());
                } catch (FerryException e) {
                    log.atDebug().addKeyValue("job", job).addKeyValue("database", database).setCause(e)
                            .log("could not measure what the snapshot costs the source; the last measurement stays");
                }
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return new SnapshotCostMeter(thread, () -> store.deleteCheckpoint(job, Retention.PREFIX + database));
    }

    /** Stops measuring; the snapshot no longer holds anything back, so its last measurement goes too. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            forget.run();
        } catch (FerryException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("could not remove the snapshot's last measurement");
        }
    }
}
