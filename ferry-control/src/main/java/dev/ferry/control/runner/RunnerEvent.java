package dev.ferry.control.runner;

import dev.ferry.core.model.JobError;
import dev.ferry.core.model.Phase;

/** What a runner reports about a job; folded into the job's status by {@link JobStatusFold#next}. */
public sealed interface RunnerEvent {
    /** The runner took the job and is working. */
    record Running() implements RunnerEvent {}

    record PhaseEntered(Phase phase) implements RunnerEvent {}

    /**
     * Replication runs and calls for {@code phase} (CDC, or READY_FOR_PROMOTE once the lag is small). Unlike
     * {@link PhaseEntered} it never ends a requested promotion: the request may be stored just before this report, and
     * the runner must still see it.
     */
    record Replicating(Phase phase) implements RunnerEvent {}

    /** All work is done and checked. */
    record Completed() implements RunnerEvent {}

    /** The runner stopped because the user asked it to. */
    record Stopped() implements RunnerEvent {}

    record Failed(JobError error) implements RunnerEvent {}
}
