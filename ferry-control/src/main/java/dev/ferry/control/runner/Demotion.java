package dev.ferry.control.runner;

import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.store.Store;
import java.time.Clock;

/**
 * Demotes an existing destination while a continuous job replicates into it, and restores it exactly
 * afterwards. What the engine changed is recorded as a checkpoint before anything else happens, so a
 * crash never loses the way back. A managed instance Ferry created needs no demotion.
 */
public final class Demotion {
    static final String CHECKPOINT = "demotion";

    private final Store store;
    private final Clock clock;

    public Demotion(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static boolean needed(ConnectionProfile destination) {
        return !(destination.spec() instanceof ManagedInstance);
    }

    /** Demotes the job's destination databases unless already done; returns whether it changed anything. */
    public boolean demote(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination) {
        return demote(job, engine, destination,
                Databases.select(engine, source, new ObjectSelection(job.objectsConfig(), source.engine())));
    }

    /** As above, for databases the caller has already selected. */
    boolean demote(MigrationJob job, Engine engine, DatabaseConnection destination, java.util.List<String> databases) {
        if (store.checkpoint(job.name(), CHECKPOINT).isPresent()) {
            return false;
        }
        String record = engine.demoteDestination(destination, databases);
        store.putCheckpoint(job.name(), CHECKPOINT, record);
        store.appendEvent(job.name(), clock.instant(), Severity.INFO,
                "Destination demoted: databases %s are read-only for everyone but Ferry until promotion"
                        .formatted(String.join(", ", databases)));
        return true;
    }

    /** Restores what {@link #demote} changed, if anything. */
    public void restore(MigrationJob job, Engine engine, DatabaseConnection destination) {
        var record = store.checkpoint(job.name(), CHECKPOINT);
        if (record.isEmpty()) {
            return;
        }
        engine.restoreDestination(destination, record.get());
        store.deleteCheckpoint(job.name(), CHECKPOINT);
        store.appendEvent(job.name(), clock.instant(), Severity.INFO, "Destination settings restored");
    }
}
