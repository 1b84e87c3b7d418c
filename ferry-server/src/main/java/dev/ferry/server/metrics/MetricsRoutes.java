package dev.ferry.server.metrics;

import dev.ferry.control.job.JobService;
import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.server.http.PlainText;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics}: job states, copy progress, replication lag and the change pipeline ({@link PipelineMetrics}) in the
 * Prometheus text format.
 */
public final class MetricsRoutes {
    private final JobService jobs;

    private MetricsRoutes(JobService jobs) {
        this.jobs = jobs;
    }

    public static void register(Router router, JobService jobs) {
        var routes = new MetricsRoutes(jobs);
        router.add("GET", "/metrics", request -> Response.ok(new PlainText(routes.render())));
    }

    String render() {
        var out = new StringBuilder();
        List<MigrationJob> all = jobs.list();
        header(out, "ferry_job_state", "1 for the state the job is in", "gauge");
        for (MigrationJob job : all) {
            for (JobState state : JobState.values()) {
                if (state == job.state()) {
                    out.append("ferry_job_state{job=\"").append(label(job.name())).append("\",state=\"")
                            .append(state).append("\"} 1\n");
                }
            }
        }
        header(out, "ferry_job_rows_copied", "rows copied by the full load", "gauge");
        StringBuilder bytes = new StringBuilder();
        StringBuilder applied = new StringBuilder();
        StringBuilder tables = new StringBuilder();
        for (MigrationJob job : all) {
            List<JobObject> objects = jobs.objects(job.name());
            String l = "{job=\"" + label(job.name()) + "\"} ";
            out.append("ferry_job_rows_copied").append(l).append(objects.stream().mapToLong(JobObject::rowsCopied).sum()).append('\n');
            bytes.append("ferry_job_bytes_copied").append(l).append(objects.stream().mapToLong(JobObject::bytesCopied).sum()).append('\n');
            applied.append("ferry_job_rows_applied").append(l).append(objects.stream().mapToLong(JobObject::rowsApplied).sum()).append('\n');
            tables.append("ferry_job_tables").append(l).append(objects.size()).append('\n');
        }
        header(out, "ferry_job_bytes_copied", "bytes copied by the full load", "gauge");
        out.append(bytes);
        header(out, "ferry_job_rows_applied", "rows applied by change replication", "gauge");
        out.append(applied);
        header(out, "ferry_job_tables", "tables the job migrates", "gauge");
        out.append(tables);
        header(out, "ferry_job_lag_seconds", "replication lag in seconds, as last measured", "gauge");
        StringBuilder lagBytes = new StringBuilder();
        for (MigrationJob job : all) {
            jobs.lag(job.name()).ifPresent(lag -> {
                String l = "{job=\"" + label(job.name()) + "\"} ";
                out.append("ferry_job_lag_seconds").append(l).append(lag.time().toMillis() / 1000.0).append('\n');
                lagBytes.append("ferry_job_lag_bytes").append(l).append(lag.bytes()).append('\n');
            });
        }
        header(out, "ferry_job_lag_bytes", "replication lag in bytes of source log, as last measured", "gauge");
        out.append(lagBytes);
        header(out, "ferry_replication_slot_retained_wal_bytes",
                "WAL the job's replication slot keeps on the source, as last measured", "gauge");
        StringBuilder heldBack = new StringBuilder();
        for (MigrationJob job : all) {
            for (var r : jobs.retention(job.name())) {
                String l = "{job=\"" + label(job.name()) + "\",database=\"" + label(r.database()) + "\"} ";
                r.retainedWalBytes().ifPresent(v -> out.append("ferry_replication_slot_retained_wal_bytes").append(l)
                        .append(v).append('\n'));
                r.cleanupHeldBack().ifPresent(v -> heldBack.append("ferry_source_cleanup_held_back_transactions").append(l)
                        .append(v).append('\n'));
            }
        }
        header(out, "ferry_source_cleanup_held_back_transactions", "how far the job holds back the source's cleanup of old "
                + "row versions, in transactions (PostgreSQL: xmin age; MySQL/MariaDB: InnoDB history list length)", "gauge");
        out.append(heldBack);
        Map<String, List<PipelineSnapshot>> pipelines = new LinkedHashMap<>();
        for (MigrationJob job : all) {
            List<PipelineSnapshot> reports = jobs.pipeline(job.name());
            if (!reports.isEmpty()) {
                pipelines.put(job.name(), reports);
            }
        }
        PipelineMetrics.render(out, pipelines);
        return out.toString();
    }

    static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
