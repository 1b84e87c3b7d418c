package dev.ferry.control.runner;

import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.core.model.Severity;
import java.time.Duration;

/**
 * What the parts of one running job tell the user while they work: events in the job's log, the job's
 * health and its change pipelines' latest reports. One per job run; thread-safe.
 */
final class JobSignals {
    private final JobReporter reporter;
    private final HealthBoard health;
    private final String job;

    JobSignals(JobReporter reporter, HealthBoard health, String job) {
        this.reporter = reporter;
        this.health = health;
        this.job = job;
    }

    String job() {
        return job;
    }

    void event(Severity severity, String message) {
        reporter.event(job, severity, message);
    }

    /** Reports {@code event} about the job's status; returns the job as it is then. */
    dev.ferry.core.model.MigrationJob report(RunnerEvent event) {
        return reporter.report(job, event);
    }

    /** {@code database}'s change pipeline reported {@code stats}; {@code caughtUp}: its last lag report was zero. */
    void pipeline(String database, PipelineStats stats, boolean caughtUp) {
        reporter.pipeline(job, database, stats, caughtUp);
    }

    /** Change replication ended for every database of the job. */
    void pipelinesEnded() {
        reporter.pipelinesEnded(job);
    }

    /** {@code subject} hit a transient fault and retries after {@code retryIn}. */
    void faulted(String subject, int attempt, String error, Duration retryIn) {
        health.reconnecting(job, subject, attempt, error);
        reporter.event(job, Severity.WARNING, "%s: %s; retry %d in %.1f s".formatted(subject, error, attempt,
                retryIn.toMillis() / 1000.0));
    }

    /** {@code subject} waits for the user to fix something (a full disk) and tries again after {@code retryIn}. */
    void paused(String subject, int attempt, String reason, Duration retryIn) {
        health.paused(job, subject, attempt, reason);
        reporter.event(job, Severity.WARNING, "%s: paused until this is fixed: %s; trying again in %.0f s (attempt %d)"
                .formatted(subject, reason, Math.ceil(retryIn.toMillis() / 1000.0), attempt));
    }

    /** What a retried piece of work tells about its faults, as this job's health and events under {@code subject}. */
    dev.ferry.core.fault.FaultListener listener(String subject) {
        return new dev.ferry.core.fault.FaultListener() {
            @Override
            public void faulted(int attempt, String error, Duration retryIn) {
                JobSignals.this.faulted(subject, attempt, error, retryIn);
            }

            @Override
            public void recovered() {
                JobSignals.this.recovered(subject);
            }

            @Override
            public void paused(int attempt, String reason, Duration retryIn) {
                JobSignals.this.paused(subject, attempt, reason, retryIn);
            }
        };
    }

    /** {@code subject} works again after a fault. */
    void recovered(String subject) {
        health.clear(job, subject);
        reporter.event(job, Severity.INFO, "%s: working again".formatted(subject));
    }

    /** {@code subject} gave way to another session on the source. */
    void yielded(String subject, String waiter) {
        health.yielding(job, subject, waiter);
        reporter.event(job, Severity.WARNING, ("%s: another session waited for Ferry's lock on the source (%s); "
                + "Ferry let it through and copies the table again from a new consistent point").formatted(subject, waiter));
    }

    /** {@code subject} holds a lock another session waits for, and the job keeps its one consistent point. */
    void blocking(String subject, String waiter) {
        reporter.event(job, Severity.WARNING, ("%s: a session on the source waits for Ferry's lock (%s) and keeps "
                + "waiting until this table's copy ends, because the job keeps one consistent point (yieldToDdl: false)")
                .formatted(subject, waiter));
    }

    /** {@code subject} no longer yields or waits. */
    void cleared(String subject) {
        health.clear(job, subject);
    }
}
