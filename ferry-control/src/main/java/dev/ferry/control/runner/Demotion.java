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
 * afterwards. The engine hands over the undo record before it changes anything, and it is checkpointed
 * then; a second checkpoint says the demotion is complete. A crash anywhere in between leaves the undo
 * record, which restores the destination whether the change happened, partly happened or not at all. A
 * managed instance Ferry created needs no demotion.
 */
public final class Demotion {
    static final String CHECKPOINT = "demotion";
    static final String APPLIED = "demotion/applied";

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
        if (store.checkpoint(job.name(), APPLIED).isPresent()) {
            return false;
        }
        var interrupted = store.checkpoint(job.name(), CHECKPOINT);
        if (interrupted.isPresent()) {
            // A demotion whose end was not recorded: part of it may have happened. Its undo record covers all
            // of it, so put the destination back first and demote again from a known state.
            store.fence().check();
            engine.restoreDestination(destination, interrupted.get());
            store.deleteCheckpoint(job.name(), CHECKPOINT);
        }
        // Recording the undo record is a write to the fenced store, refused once the lease moved, before any change.
        engine.demoteDestination(destination, databases, undo -> store.putCheckpoint(job.name(), CHECKPOINT, undo));
        store.putCheckpoint(job.name(), APPLIED, "true");
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
        store.fence().check();
        engine.restoreDestination(destination, record.get());
        if (store.checkpoint(job.name(), APPLIED).isPresent()) {
            store.deleteCheckpoint(job.name(), APPLIED);
        }
        store.deleteCheckpoint(job.name(), CHECKPOINT);
        store.appendEvent(job.name(), clock.instant(), Severity.INFO, "Destination settings restored");
    }
}
