package dev.ferry.control.runner;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import java.time.Instant;

/** The one pure function that turns a runner's report into the job's next status. */
public final class JobStatusFold {
    private JobStatusFold() {}

    public static MigrationJob next(MigrationJob job, RunnerEvent event, Instant now) {
        return switch (event) {
            case RunnerEvent.Running r -> {
                MigrationJob running = job.withStatus(JobState.RUNNING, job.phase(), null, now);
                yield job.startTime() == null ? running.withTimes(now, null, now) : running.withTimes(job.startTime(), null, now);
            }
            case RunnerEvent.PhaseEntered e -> job.withStatus(job.state(), e.phase(), job.error(), now);
            case RunnerEvent.Replicating r -> job.withStatus(job.state(),
                    job.phase() == dev.ferry.core.model.Phase.PROMOTE_IN_PROGRESS ? job.phase() : r.phase(), job.error(), now);
            case RunnerEvent.Completed c -> job.withStatus(JobState.COMPLETED,
                            job.phase() == dev.ferry.core.model.Phase.PROMOTE_IN_PROGRESS ? null : job.phase(), null, now)
                    .withTimes(job.startTime(), now, now);
            case RunnerEvent.Stopped s -> job.withStatus(JobState.STOPPED, job.phase(), job.error(), now);
            case RunnerEvent.Failed f -> job.withStatus(JobState.FAILED, job.phase(), f.error(), now)
                    .withTimes(job.startTime(), now, now);
        };
    }
}
