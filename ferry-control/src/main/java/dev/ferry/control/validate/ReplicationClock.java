package dev.ferry.control.validate;

import dev.ferry.core.model.Position;
import java.time.Duration;

/**
 * The running replication of a job's database, as validation needs it: where the source's log ends now, and a wait
 * until the destination applied everything up to a position. Implementations are thread-safe.
 */
public interface ReplicationClock {
    /** The source's end of log now: everything committed there so far is at or before it. */
    Position head(String database);

    /**
     * Waits until replication of {@code database} applied everything the source committed up to {@code position},
     * or (when the source has nothing for the job past it) reports itself idle and caught up after it. False when
     * {@code timeout} passed first or the database does not replicate here.
     */
    boolean awaitApplied(String database, Position position, Duration timeout) throws InterruptedException;
}
