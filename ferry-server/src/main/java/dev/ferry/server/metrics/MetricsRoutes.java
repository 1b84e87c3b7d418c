package dev.ferry.server.metrics;

import dev.ferry.control.job.JobService;
import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.server.http.PlainText;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics}: job states, copy progress, replication lag, the change pipeline and the nodes sharing the store
 * ({@link JobMetrics}, {@link PipelineMetrics}, {@link NodeMetrics}) in the Prometheus text format, written by the Prometheus client library. A family without
 * samples (no job replicates, say) is left out.
 */
public final class MetricsRoutes {
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final JobService jobs;
    private final JobMetrics jobMetrics;
    private final NodeMetrics nodeMetrics;

    private MetricsRoutes(JobService jobs, dev.ferry.control.node.NodeService nodes) {
        this.jobs = jobs;
        this.jobMetrics = new JobMetrics(jobs);
        this.nodeMetrics = new NodeMetrics(nodes);
    }

    public static void register(Router router, JobService jobs, dev.ferry.control.node.NodeService nodes) {
        var routes = new MetricsRoutes(jobs, nodes);
        router.add("GET", "/metrics", request -> Response.ok(new PlainText(routes.render())));
    }

    String render() {
        List<MigrationJob> all = jobs.list();
        Map<String, List<PipelineSnapshot>> pipelines = new LinkedHashMap<>();
        for (MigrationJob job : all) {
            List<PipelineSnapshot> reports = jobs.pipeline(job.name());
            if (!reports.isEmpty()) {
                pipelines.put(job.name(), reports);
            }
        }
        List<Family> families = new ArrayList<>(jobMetrics.families(all));
        families.addAll(PipelineMetrics.families(pipelines));
        families.addAll(nodeMetrics.families());
        return write(families);
    }

    /** The families in the text format, sorted by name as the library writes them. */
    static String write(List<Family> families) {
        var out = new ByteArrayOutputStream();
        try {
            WRITER.write(out, new MetricSnapshots(families.stream().map(Family::snapshot).toList()),
                    EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing metrics to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
