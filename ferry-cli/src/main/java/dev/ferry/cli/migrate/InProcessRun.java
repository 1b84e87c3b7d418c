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
        return createProfile(name, displayName, spec, true);
    }

    /**
     * Like {@link #createProfile(String, String, ConnectionSpec)}; without {@code probe}, a profile of an existing
     * server is saved without connecting to it, for a job verified right afterwards (its verify connects).
     */
    public Operation createProfile(String name, String displayName, ConnectionSpec spec, boolean probe) {
        Operation op = control.profiles().create(new ProfileRequest(name, displayName, Map.of("created-by", "ferry-cli"), spec),
                null, probe);
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
     * Starts {@code job}, follows it with the progress display until it completes, fails or stops, then
     * prints the per-table comparison on standard output. Exit code 0 only when the job completed and
     * every table's row count matches. Ctrl-C stops a one-time job; a continuous job replicates until
     * Ctrl-C or SIGTERM, or with {@code promoteWhenReady} until it caught up, then is promoted (see
     * {@link CutOver}). With {@code releaseUnfinished}, a continuous job that did not complete is
     * deleted at the end, so that its replication slot does not stay on the source when nothing will
     * resume the job (its home is thrown away).
     */
    public int run(String job, boolean promoteWhenReady, boolean releaseUnfinished) throws InterruptedException {
        CutOver cutOver = new CutOver(promoteWhenReady);
        boolean continuous = control.jobs().get(job).type() == JobType.CONTINUOUS;
        if (continuous) {
            interruption.quitAt(3, "Interrupted a third time: quitting at once; the job ends where it is");
        } else {
            interruption.onInterrupt(() -> stopQuietly(job));
        }
        requireNotInterrupted();
        control.jobs().start(job, false, null);
        MigrationJob finished = follow(job, continuous ? cutOver : null);
        if (finished.state() != JobState.COMPLETED) {
            if (interruption.requested() && finished.state() == JobState.STOPPED) {
                err.printf("Interrupted: migration job %s was stopped; the destination holds a partial copy.%n", job);
            } else if (finished.error() != null) {
                err.printf("Migration job %s %s: %s%n", job, finished.state(), finished.error().message());
            } else {
                err.printf("Migration job %s ended %s%n", job, finished.state());
            }
            if (continuous && releaseUnfinished) {
                release(job);
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
        boolean validated = true;
        var validations = control.validations().list(job);
        if (!validations.isEmpty()) {
            // The job's validation setting validated the destination once the load was done.
            var v = validations.getFirst();
            validated = v.status() == dev.ferry.core.model.Validation.Status.CLEAN;
            out.printf("Validation %s (%s): %s, %s; %,d rows at %,.0f rows/s%n", v.id(),
                    v.mode().name().toLowerCase(java.util.Locale.ROOT), v.status(), v.message(), v.rows(), v.rowsPerSecond());
            v.tableResults().stream().filter(t -> t.status() != dev.ferry.core.model.Validation.Status.CLEAN)
                    .forEach(t -> out.printf("  %s: %s%s%n", t.name(), t.status(), t.note() == null ? "" : " (" + t.note() + ")"));
            v.schemaFindings().forEach(f -> out.printf("  %s: %s%n", f.code(), f.message()));
        }
        out.flush();
        return comparison.stream().allMatch(TableComparison::matches) && validated ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Runs a job that nobody resumes afterwards; a continuous one is promoted as soon as it caught up. */
    public int run(String job) throws InterruptedException {
        return run(job, true, false);
    }

    /** One-time: Ctrl-C stopped it already. Continuous: the cut-over decides, poll by poll. */
    private MigrationJob follow(String name, CutOver cutOver) throws InterruptedException {
        ProgressDisplay display = ProgressDisplay.forStderr(err, terminal);
        boolean announced = false;
        int signalsSeen = 0;
        boolean idle = false;
        while (true) {
            MigrationJob job = control.jobs().get(name);
            Progress progress = Progress.of(job, control.jobs().objects(name), control.jobs().lag(name));
            switch (job.state()) {
                case COMPLETED, FAILED, STOPPED, DELETED -> {
                    display.finish(progress);
                    return job;
                }
                default -> display.update(progress);
            }
            if (cutOver != null) {
                int signals = interruption.signals();
                boolean waitingForUser = signals == 0 && cutOver.due(job.state(), job.phase(), 0) == CutOver.Action.NONE;
                if (!announced && progress.replicating() && waitingForUser) {
                    announced = true;
                    say(display, ("Initial copy of %s done; replicating changes. Press Ctrl-C (or send SIGTERM) "
                            + "to promote the destination.").formatted(name));
                }
                if (signals > signalsSeen && cutOver.waitingForFullLoad(job.state(), job.phase(), signals)) {
                    say(display, "Promotion requested: it starts once the initial copy is done (Ctrl-C again stops the job instead).");
                }
                signalsSeen = signals;
                act(name, cutOver, job, signals, display);
            }
            // Waiting for the runner rather than sleeping: the job's final state is read the moment it ends. A job
            // that no runner works on (any more) is read again after a pause.
            boolean wasIdle = idle;
            idle = control.jobs().awaitIdle(name, POLL);
            if (idle && wasIdle) {
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    private void act(String name, CutOver cutOver, MigrationJob job, int signals, ProgressDisplay display) {
        CutOver.Action action = cutOver.due(job.state(), job.phase(), signals);
        try {
            switch (action) {
                case PROMOTE -> {
                    say(display, ("%s: promoting the destination: applying everything the source committed until now, "
                            + "then synchronising sequences (Ctrl-C again forces it: replication stops where it is)")
                            .formatted(signals > 0 ? "Interrupted" : "Caught up with the source"));
                    control.jobs().promote(name, false, null);
                }
                case FORCE_PROMOTE -> {
                    say(display, "Forcing the promotion: replication stops where it is; changes the source committed after "
                            + "that point are not applied (Ctrl-C a third time quits at once)");
                    control.jobs().promote(name, true, null);
                }
                case STOP -> {
                    say(display, "Stopping migration job %s before its initial copy is done".formatted(name));
                    control.jobs().stop(name, null);
                }
                case NONE -> { }
            }
            cutOver.did(action, signals);
        } catch (FerryException e) {
            if (e.code() != ErrorCode.FAILED_PRECONDITION) {
                throw e;
            }
            // the job moved on between reading its phase and the request (e.g. back to FULL_DUMP on a restart)
            log.atInfo().addKeyValue("job", name).addKeyValue("action", action).setCause(e).log("cut-over deferred; retrying");
        }
    }

    private void say(ProgressDisplay display, String message) {
        display.clear();
        err.println(message);
        err.flush();
    }

    /** Deletes an unfinished continuous job, which drops its replication slot and publication on the source. */
    private void release(String job) {
        try {
            control.jobs().delete(job, false, null);
            err.printf("Removed migration job %s's replication slot and publication from the source%n", job);
        } catch (FerryException e) {
            log.atWarn().addKeyValue("job", job).setCause(e).log("could not remove the job; its replication slot may stay on the source");
            err.printf("Could not remove the replication slot of job %s from the source (%s); drop slots named after the job "
                    + "with pg_drop_replication_slot()%n", job, e.getMessage());
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
