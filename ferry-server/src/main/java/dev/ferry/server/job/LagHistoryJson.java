package dev.ferry.server.job;

import dev.ferry.core.model.LagSample;
import dev.ferry.server.http.Times;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of {@code GET /v1/migrationJobs/NAME/lagHistory}: the job's replication lag over a window, oldest
 * first, as {@code {samples: [{time, lagSeconds, lagBytes}]}}. The server samples the lag about every 10 s while the
 * job replicates; when the window holds more samples than {@code maxPoints}, consecutive samples are merged into
 * one point that keeps the highest lag of each (and the time of the last), so peaks stay visible.
 */
public record LagHistoryJson(List<PointJson> samples) {
    static final int DEFAULT_POINTS = 720;

    public record PointJson(String time, double lagSeconds, long lagBytes) {}

    static LagHistoryJson of(List<LagSample> samples, int maxPoints) {
        List<PointJson> points = new ArrayList<>();
        int group = Math.max(1, (samples.size() + maxPoints - 1) / maxPoints);
        for (int from = 0; from < samples.size(); from += group) {
            List<LagSample> merged = samples.subList(from, Math.min(samples.size(), from + group));
            long millis = merged.stream().mapToLong(s -> s.lag().toMillis()).max().orElseThrow();
            long bytes = merged.stream().mapToLong(LagSample::bytes).max().orElseThrow();
            points.add(new PointJson(Times.instant(merged.getLast().time()), millis / 1000.0, bytes));
        }
        return new LagHistoryJson(points);
    }
}
