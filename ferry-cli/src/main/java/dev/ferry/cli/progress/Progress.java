package dev.ferry.cli.progress;

import dev.ferry.control.runner.Lag;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectState;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a progress line shows about a job at one moment: its state and phase, tables done of total,
 * rows and bytes copied of estimated (estimates may be zero when statistics are missing), and for a
 * continuous job that replicates, the rows applied by change replication and the last measured lag
 * ({@code lagSeconds} null when not measured yet).
 */
public record Progress(
        String job,
        String state,
        String phase,
        int tablesDone,
        int tablesTotal,
        long rowsCopied,
        long rowsEstimated,
        long bytesCopied,
        long bytesEstimated,
        long rowsApplied,
        Double lagSeconds,
        long lagBytes) {

    private static final Set<String> REPLICATING = Set.of("CDC", "READY_FOR_PROMOTE", "PROMOTE_IN_PROGRESS");

    /** Progress of a job that does not replicate (yet). */
    public Progress(String job, String state, String phase, int tablesDone, int tablesTotal, long rowsCopied,
            long rowsEstimated, long bytesCopied, long bytesEstimated) {
        this(job, state, phase, tablesDone, tablesTotal, rowsCopied, rowsEstimated, bytesCopied, bytesEstimated, 0, null, 0);
    }

    /** Whether the job is past its full load and replicates changes (or is being promoted). */
    public boolean replicating() {
        return phase != null && REPLICATING.contains(phase);
    }

    /** Totals of an in-process job, its objects and its last measured lag. */
    public static Progress of(MigrationJob job, List<JobObject> objects, Optional<Lag> lag) {
        int done = 0;
        long rows = 0;
        long rowsEstimated = 0;
        long bytes = 0;
        long bytesEstimated = 0;
        long applied = 0;
        for (JobObject o : objects) {
            if (o.state() == ObjectState.COPIED || o.state() == ObjectState.SKIPPED) {
                done++;
            }
            rows += o.rowsCopied();
            rowsEstimated += Math.max(o.rowsEstimated(), o.rowsCopied());
            bytes += o.bytesCopied();
            bytesEstimated += Math.max(o.bytesEstimated(), o.bytesCopied());
            applied += o.rowsApplied();
        }
        return new Progress(job.name(), job.state().name(), job.phase() == null ? null : job.phase().name(), done,
                objects.size(), rows, rowsEstimated, bytes, bytesEstimated, applied,
                lag.map(l -> l.time().toMillis() / 1000.0).orElse(null), lag.map(Lag::bytes).orElse(0L));
    }
}
