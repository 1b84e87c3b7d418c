package dev.ferry.server.metrics;

import dev.ferry.control.job.JobService;
import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.Phase;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The metrics of each job, labelled {@code job} (and {@code database} where the source is measured per database), read
 * from the control plane at each scrape. States, phases and health are one series per possible value, 1 for the current
 * one and 0 for the others, so a query can select {@code ferry_job_state{state="RUNNING"} == 1}. Copy progress is a
 * counter per job: a restart copies again from zero, which {@code rate()} takes as a counter reset.
 */
final class JobMetrics {
    private final JobService jobs;

    JobMetrics(JobService jobs) {
        this.jobs = jobs;
    }

    List<Family> families(List<MigrationJob> all) {
        Family count = Family.gauge("ferry_jobs", "migration jobs the store holds").add(all.size());
        Family info = Family.gauge("ferry_job_info", "1 for every job, with its type, source and destination profiles");
        Family state = Family.gauge("ferry_job_state", "1 for the state the job is in, 0 for the others");
        Family phase = Family.gauge("ferry_job_phase", "1 for the phase the job is in, 0 for the others (all 0 before it starts)");
        Family health = Family.gauge("ferry_job_health", "1 for how a running job is doing (OK, RECONNECTING, YIELDING, PAUSED), 0 for the others");
        Family tables = Family.gauge("ferry_job_tables", "tables the job migrates");
        Family tablesCopied = Family.gauge("ferry_job_tables_copied", "tables whose full load is done");
        Family rowsEstimated = Family.gauge("ferry_job_rows_estimated", "rows the source's statistics estimate for the job's tables");
        Family bytesEstimated = Family.gauge("ferry_job_bytes_estimated", "bytes the source's statistics estimate for the job's tables");
        Family rowsCopied = Family.counter("ferry_rows_copied_total", "rows copied by the full load");
        Family bytesCopied = Family.counter("ferry_bytes_copied_total", "bytes copied by the full load");
        Family rowsApplied = Family.counter("ferry_rows_applied_total", "row changes applied by change replication, per table as recorded");
        Family lagSeconds = Family.gauge("ferry_job_lag_seconds", "replication lag in seconds, as last measured");
        Family lagBytes = Family.gauge("ferry_job_lag_bytes", "replication lag in bytes of source log, as last measured");
        Family retainedWal = Family.gauge("ferry_replication_slot_retained_wal_bytes",
                "WAL the job's replication slot keeps on the source, as last measured");
        Family heldBack = Family.gauge("ferry_source_cleanup_held_back_transactions", "how far the job holds back the source's "
                + "cleanup of old row versions, in transactions (PostgreSQL: xmin age; MySQL/MariaDB: InnoDB history list length)");
        for (MigrationJob job : all) {
            String name = job.name();
            info.add(1, "job", name, "type", job.type().name(), "source", job.source(), "destination", job.destination());
            for (JobState s : JobState.values()) {
                state.add(s == job.state() ? 1 : 0, "job", name, "state", s.name());
            }
            for (Phase p : Phase.values()) {
                phase.add(p == job.phase() ? 1 : 0, "job", name, "phase", p.name());
            }
            jobs.health(name).filter(h -> job.state() == JobState.RUNNING).ifPresent(h -> {
                for (HealthStatus s : HealthStatus.values()) {
                    health.add(s == h.status() ? 1 : 0, "job", name, "status", s.name());
                }
            });
            List<JobObject> objects = jobs.objects(name);
            tables.add(objects.size(), "job", name);
            tablesCopied.add(objects.stream().filter(o -> o.state() == ObjectState.COPIED).count(), "job", name);
            rowsEstimated.add(sum(objects, JobObject::rowsEstimated), "job", name);
            bytesEstimated.add(sum(objects, JobObject::bytesEstimated), "job", name);
            rowsCopied.add(sum(objects, JobObject::rowsCopied), "job", name);
            bytesCopied.add(sum(objects, JobObject::bytesCopied), "job", name);
            rowsApplied.add(sum(objects, JobObject::rowsApplied), "job", name);
            jobs.lag(name).ifPresent(lag -> {
                lagSeconds.add(lag.time().toMillis() / 1000.0, "job", name);
                lagBytes.add(lag.bytes(), "job", name);
            });
            for (var r : jobs.retention(name)) {
                r.retainedWalBytes().ifPresent(v -> retainedWal.add(v, "job", name, "database", r.database()));
                r.cleanupHeldBack().ifPresent(v -> heldBack.add(v, "job", name, "database", r.database()));
            }
        }
        return List.of(count, info, state, phase, health, tables, tablesCopied, rowsEstimated, bytesEstimated, rowsCopied, bytesCopied,
                rowsApplied, lagSeconds, lagBytes, retainedWal, heldBack);
    }

    private static long sum(List<JobObject> objects, ToLongFunction<JobObject> value) {
        return objects.stream().mapToLong(value).sum();
    }
}
