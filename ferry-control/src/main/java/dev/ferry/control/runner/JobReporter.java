package dev.ferry.control.runner;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.store.Store;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a runner reports: status changes (through {@link JobStatusFold}) and the job's event log to the store,
 * and the change pipeline's latest reports to the {@link PipelineBoard} (in memory).
 */
public final class JobReporter {
    private static final Logger log = LoggerFactory.getLogger(JobReporter.class);

    private final Store store;
    private final JobLocks locks;
    private final PipelineBoard pipelines;
    private final Clock clock;

    public JobReporter(Store store, JobLocks locks, PipelineBoard pipelines, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.pipelines = pipelines;
        this.clock = clock;
    }

    /** Applies {@code event} to the job's recorded status and returns the new status. */
    public MigrationJob report(String jobName, RunnerEvent event) {
        return locks.with(jobName, () -> {
            MigrationJob job = store.findJob(jobName).orElseThrow(() -> new FerryException(ErrorCode.CANCELLED,
                    "Migration job %s was deleted".formatted(jobName)));
            boolean stopping = job.state() == JobState.STOPPING || job.state() == JobState.DELETING;
            if (stopping && event instanceof RunnerEvent.Running) {
                return job;
            }
            MigrationJob next = JobStatusFold.next(job, event, clock.instant());
            store.updateJob(next);
            if (next.state() != job.state() || next.phase() != job.phase()) {
                log.atInfo().addKeyValue("job", jobName).addKeyValue("state", next.state())
                        .addKeyValue("phase", next.phase()).log("job status changed");
                event(jobName, next.error() != null && next.state() == JobState.FAILED ? Severity.ERROR : Severity.INFO,
                        describe(next));
            }
            return next;
        });
    }

    /** Runs {@code action} under the job's lock (the one its use cases and status writes take). */
    void locked(String jobName, Runnable action) {
        locks.with(jobName, () -> {
            action.run();
            return null;
        });
    }

    public void event(String jobName, Severity severity, String message) {
        store.appendEvent(jobName, clock.instant(), severity, message);
    }

    /** The latest report of {@code database}'s change pipeline; {@code caughtUp} as in {@link PipelineSnapshot}. */
    public void pipeline(String jobName, String database, PipelineStats stats, boolean caughtUp) {
        pipelines.record(jobName, database, stats, caughtUp);
    }

    /** The job's change replication ended: its pipeline reports go. */
    public void pipelinesEnded(String jobName) {
        pipelines.forget(jobName);
    }

    private static String describe(MigrationJob job) {
        String status = job.phase() == null ? job.state().name() : job.state() + " (" + job.phase() + ")";
        return job.error() == null ? "Job is " + status : "Job is " + status + ": " + job.error().message();
    }
}
