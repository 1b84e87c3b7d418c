package dev.ferry.cli.progress;

import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectState;
import java.util.List;

/**
 * What a progress line shows about a job at one moment: its state and phase, tables done of total,
 * and rows and bytes copied of estimated (estimates may be zero when statistics are missing).
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
        long bytesEstimated) {

    /** Totals of an in-process job and its objects. */
    public static Progress of(MigrationJob job, List<JobObject> objects) {
        int done = 0;
        long rows = 0;
        long rowsEstimated = 0;
        long bytes = 0;
        long bytesEstimated = 0;
        for (JobObject o : objects) {
            if (o.state() == ObjectState.COPIED || o.state() == ObjectState.SKIPPED) {
                done++;
            }
            rows += o.rowsCopied();
            rowsEstimated += Math.max(o.rowsEstimated(), o.rowsCopied());
            bytes += o.bytesCopied();
            bytesEstimated += Math.max(o.bytesEstimated(), o.bytesCopied());
        }
        return new Progress(job.name(), job.state().name(), job.phase() == null ? null : job.phase().name(), done,
                objects.size(), rows, rowsEstimated, bytes, bytesEstimated);
    }
}
