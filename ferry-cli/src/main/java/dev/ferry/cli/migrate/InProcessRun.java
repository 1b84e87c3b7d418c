package dev.ferry.cli.migrate;

import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.progress.Progress;
import dev.ferry.cli.progress.ProgressDisplay;
import dev.ferry.cli.progress.StatusLine;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.control.runner.TableComparison;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionSpec;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.Phase;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs migration steps against an in-process control plane, for {@code migrate} and {@code demo}:
 * creates profiles (waiting for managed instances), runs a job with the progress display, stops it
 * cleanly on Ctrl-C, and prints the per-table comparison. Not thread-safe.
 */
public final class InProcessRun {
    private static final Logger log = LoggerFactory.getLogger(InProcessRun.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ControlPlane control;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final Interruption interruption;

    public InProcessRun(ControlPlane control, PrintWriter out, PrintWriter err, boolean terminal, Interruption interruption) {
        this.control = control;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.interruption = interruption;
    }

    /** Starts creating a profile; a managed instance keeps being created in the background. */
    public Operation createProfile(String name, String displayName, ConnectionSpec spec) {
        Operation op = control.profiles().create(new ProfileRequest(name, displayName, Map.of("created-by", "ferry-cli"), spec),
                null);
        return failIfFailed(op);
    }

    /** Waits for an operation, showing its status on standard error; throws its error when it failed. */
    public Operation await(Operation operation) throws InterruptedException {
        Operation op = operation;
        StatusLine status = new StatusLine(err, terminal);
        try {
            while (!op.done()) {
                requireNotInterrupted();
                status.show(op.statusMessage() == null ? op.verb() + " " + op.target() : op.target() + ": " + op.statusMessage());
                Thread.sleep(POLL.toMillis());
                op = control.operations().get(op.name());
            }
        } finally {
            status.clear();
        }
        return failIfFailed(op);
    }

    /**
     * Starts {@code job}, follows it with the progress display until it completes, fails or stops (a
     * continuous job is promoted once it is ready), then prints the per-table comparison on standard
     * output. Exit code 0 only when the job completed and every table's row count matches.
     */
    public int run(String job) throws InterruptedException {
        interruption.onInterrupt(() -> stopQuietly(job));
        requireNotInterrupted();
        control.jobs().start(job, false, null);
        MigrationJob finished = follow(job);
        if (finished.state() != JobState.COMPLETED) {
            if (interruption.requested()) {
                err.printf("Interrupted: migration job %s was stopped; the destination holds a partial copy.%n", job);
            } else if (finished.error() != null) {
                err.printf("Migration job %s %s: %s%n", job, finished.state(), finished.error().message());
            } else {
                err.printf("Migration job %s ended %s%n", job, finished.state());
            }
            err.flush();
            return ExitCodes.FAILED;
        }
        out.printf("Migration job %s completed in %.1fs%n", job,
                finished.duration(finished.endTime() != null ? finished.endTime() : finished.updateTime()).toMillis() / 1000.0);
        List<TableComparison> comparison = control.jobs().compare(job);
        out.println();
        if (!comparison.isEmpty()) {
            ComparisonView.table(comparison).print(out);
        }
        out.println(ComparisonView.summary(comparison));
        out.flush();
        return comparison.stream().allMatch(TableComparison::matches) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private MigrationJob follow(String name) throws InterruptedException {
        ProgressDisplay display = ProgressDisplay.forStderr(err, terminal);
        boolean promoted = false;
        while (true) {
            MigrationJob job = control.jobs().get(name);
            Progress progress = Progress.of(job, control.jobs().objects(name));
            switch (job.state()) {
                case COMPLETED, FAILED, STOPPED, DELETED -> {
                    display.finish(progress);
                    return job;
                }
                default -> display.update(progress);
            }
            if (!promoted && job.type() == JobType.CONTINUOUS && job.phase() == Phase.READY_FOR_PROMOTE
                    && job.state() == JobState.RUNNING && !interruption.requested()) {
                display.clear();
                err.printf("Migration job %s caught up with the source; promoting the destination%n", name);
                control.jobs().promote(name, null);
                promoted = true;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private void stopQuietly(String job) {
        try {
            control.jobs().stop(job, null);
        } catch (FerryException e) {
            log.atWarn().addKeyValue("job", job).setCause(e).log("could not stop the job on interrupt; it ends with the process");
        }
    }

    private void requireNotInterrupted() {
        if (interruption.requested()) {
            throw new FerryException(ErrorCode.CANCELLED, "Interrupted");
        }
    }

    private static Operation failIfFailed(Operation op) {
        if (op.done() && op.error() != null) {
            throw new FerryException(op.error().code(), op.error().message());
        }
        return op;
    }
}
