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
        var sum = new Sum();
        for (JobObject o : objects) {
            sum.add(o.state().name(), o.rowsCopied(), o.rowsEstimated(), o.bytesCopied(), o.bytesEstimated(), o.rowsApplied());
        }
        return sum.progress(job.name(), job.state().name(), job.phase() == null ? null : job.phase().name(),
                lag.map(l -> l.time().toMillis() / 1000.0).orElse(null), lag.map(Lag::bytes).orElse(0L));
    }

    /**
     * Adds up a job's tables, from the in-process objects or from their JSON. A table done counts what it copied;
     * one not done yet its estimate, or what it copied so far when that is more (statistics can be old or missing),
     * so that the totals of a completed job are what it copied.
     */
    public static final class Sum {
        private int done;
        private int total;
        private long rows;
        private long rowsEstimated;
        private long bytes;
        private long bytesEstimated;
        private long applied;

        /** One table; {@code state} is the name of its {@link ObjectState}. */
        public void add(String state, long rowsCopied, long rowsEstimate, long bytesCopied, long bytesEstimate,
                long rowsApplied) {
            total++;
            boolean finished = ObjectState.COPIED.name().equals(state) || ObjectState.SKIPPED.name().equals(state);
            if (finished) {
                done++;
            }
            rows += rowsCopied;
            rowsEstimated += finished ? rowsCopied : Math.max(rowsEstimate, rowsCopied);
            bytes += bytesCopied;
            bytesEstimated += finished ? bytesCopied : Math.max(bytesEstimate, bytesCopied);
            applied += rowsApplied;
        }

        /** The totals as the progress of {@code job}; {@code lagSeconds} null when not measured. */
        public Progress progress(String job, String state, String phase, Double lagSeconds, long lagBytes) {
            return new Progress(job, state, phase, done, total, rows, rowsEstimated, bytes, bytesEstimated, applied,
                    lagSeconds, lagBytes);
        }
    }
}
