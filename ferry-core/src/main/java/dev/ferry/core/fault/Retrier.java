package dev.ferry.core.fault;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs a piece of a job's work again after transient faults, as the engine's classifier decides, with
 * {@link Backoff} between attempts and within the job's {@link FaultBudget}:
 * <ul>
 *   <li>{@link FailureKind#TRANSIENT}: retried while the budget lasts; the budget is spent by the time the
 *       fault stays open. When it is spent the last error is thrown, saying so.</li>
 *   <li>{@link FailureKind#USER_FIXABLE} (a full disk on the destination): the work pauses and is tried again
 *       every {@link #PAUSE_RETRY} at most, for up to {@link #PAUSE_LIMIT}; a pause does not spend the fault
 *       budget, because no retry can fix it sooner, but it is bounded so a forgotten job does not hold the
 *       source's WAL or binary log for ever.</li>
 *   <li>{@link FailureKind#DIVERGENCE} and {@link FailureKind#FATAL}: thrown at once.</li>
 * </ul>
 * An interrupt (the user stopped the job) ends the wait at once and is thrown as InterruptedException.
 * Thread-safe: one Retrier serves every worker of a job run, each call with its own listener.
 */
public final class Retrier {
    /** How long a job may stay paused on a condition only the user can fix before it fails. */
    public static final Duration PAUSE_LIMIT = Duration.ofHours(1);
    /** The longest wait between two tries while paused. */
    public static final Duration PAUSE_RETRY = Duration.ofSeconds(30);
    private static final int MAX_ERROR = 300;

    private final FaultBudget budget;
    private final Backoff backoff;
    private final Function<Throwable, FailureKind> classifier;
    private final Clock clock;
    private final RandomGenerator random;

    public Retrier(FaultBudget budget, Backoff backoff, Function<Throwable, FailureKind> classifier, Clock clock,
            RandomGenerator random) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Work that may fail and be retried: it must be safe to run again from its start. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws InterruptedException;
    }

    /** Work without a result. */
    @FunctionalInterface
    public interface Action {
        void run() throws InterruptedException;
    }

    public FaultBudget budget() {
        return budget;
    }

    /** Runs {@code action} until it succeeds or fails for good (see the class comment). */
    public void run(String subject, FaultListener listener, Action action) throws InterruptedException {
        call(subject, listener, () -> {
            action.run();
            return null;
        });
    }

    /** Calls {@code work} until it succeeds or fails for good (see the class comment); returns its result. */
    public <T> T call(String subject, FaultListener listener, Work<T> work) throws InterruptedException {
        var episode = new Episode(listener);
        try {
            while (true) {
                try {
                    T result = work.run();
                    episode.healthy();
                    return result;
                } catch (InterruptedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    episode.failed(subject, e);
                }
            }
        } finally {
            episode.end();
        }
    }

    /**
     * Runs long-lived work (a replication stream, a database's copy) until it returns or fails for good. The
     * work tells the {@link Recovery} it is given when it works again after a fault: that ends the fault at once,
     * so the budget is not spent while it then runs for hours. Calling it when no fault is open costs nothing. It
     * may be called from any thread.
     */
    public void runLong(String subject, FaultListener listener, LongWork work) throws InterruptedException {
        var episode = new Episode(listener);
        Recovery recovery = new Recovery() {
            @Override
            public void reached() {
                episode.reached();
            }

            @Override
            public void progressed() {
                episode.healthy();
            }
        };
        try {
            while (true) {
                try {
                    work.run(recovery);
                    episode.healthy();
                    return;
                } catch (InterruptedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    episode.failed(subject, e);
                }
            }
        } finally {
            episode.end();
        }
    }

    /** Long-lived work that says when it works again, see {@link #runLong}. */
    @FunctionalInterface
    public interface LongWork {
        void run(Recovery healthy) throws InterruptedException;
    }

    /**
     * What long-lived work tells its retrier about working again after a fault. Two steps, because reaching the
     * servers again proves a lost connection is back but not that a full disk has room again: the retry of a
     * paused copy reaches both servers every time, and then fills the disk again.
     */
    public interface Recovery extends Runnable {
        /**
         * Both servers answer again (a new snapshot, a new stream): ends a transient fault, and leaves a pause
         * ({@link FailureKind#USER_FIXABLE}) open until the work {@link #progressed}.
         */
        void reached();

        /** The work wrote again what it could not before (a table copied, changes applied): ends any fault or pause. */
        void progressed();

        /** Same as {@link #progressed()}. */
        @Override
        default void run() {
            progressed();
        }
    }

    /** One piece of work's run of faults: attempts, the budget's open fault, a pause. */
    private final class Episode {
        private final FaultListener listener;
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private volatile boolean troubled;
        /** The trouble is a pause: only progress ends it. */
        private volatile boolean pausing;
        private int attempt;
        private boolean faultOpen;
        private Instant pausedSince;

        Episode(FaultListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /** Both servers answer again: a transient fault is over, a pause is not. */
        void reached() {
            if (!pausing) {
                healthy();
            }
        }

        /** The work runs again: close the fault and say so, once. */
        void healthy() {
            if (!troubled) {
                return;
            }
            lock.lock();
            try {
                if (!troubled) {
                    return;
                }
                troubled = false;
                pausing = false;
                attempt = 0;
                pausedSince = null;
                closeFault();
            } finally {
                lock.unlock();
            }
            listener.recovered();
        }

        /** The work failed: throws when it is not to be retried, else reports and waits. */
        void failed(String subject, RuntimeException e) throws InterruptedException {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            FailureKind kind = classifier.apply(e);
            if (kind != FailureKind.TRANSIENT && kind != FailureKind.USER_FIXABLE) {
                throw e;
            }
            String error = describe(e);
            Duration wait;
            int n;
            lock.lock();
            try {
                troubled = true;
                pausing = kind == FailureKind.USER_FIXABLE;
                n = ++attempt;
                if (kind == FailureKind.TRANSIENT) {
                    pausedSince = null;
                    if (!faultOpen) {
                        budget.openFault();
                        faultOpen = true;
                    }
                    if (budget.exhausted()) {
                        throw spent(subject, n - 1, e);
                    }
                    wait = min(backoff.delay(n, random), budget.remaining());
                } else {
                    closeFault();
                    Instant now = clock.instant();
                    pausedSince = pausedSince == null ? now : pausedSince;
                    if (Duration.between(pausedSince, now).compareTo(PAUSE_LIMIT) >= 0) {
                        throw pausedTooLong(subject, e);
                    }
                    wait = min(backoff.delay(n, random), PAUSE_RETRY);
                }
            } finally {
                lock.unlock();
            }
            if (kind == FailureKind.TRANSIENT) {
                listener.faulted(n, error, wait);
            } else {
                listener.paused(n, error, wait);
            }
            sleep(wait);
        }

        void end() {
            lock.lock();
            try {
                closeFault();
            } finally {
                lock.unlock();
            }
        }

        private void closeFault() {
            if (faultOpen) {
                budget.closeFault();
                faultOpen = false;
            }
        }
    }

    private FerryException spent(String subject, int attempts, RuntimeException last) {
        ErrorCode code = last instanceof FerryException f ? f.code() : ErrorCode.UNAVAILABLE;
        return new FerryException(code, ("%s: the job's fault budget of %s is spent after %d retries; last error: %s. "
                + "Fix the cause, then resume the job (or raise reliabilityConfig.faultBudget)")
                .formatted(subject, human(budget.limit()), attempts, describe(last)), last);
    }

    private static FerryException pausedTooLong(String subject, RuntimeException last) {
        ErrorCode code = last instanceof FerryException f ? f.code() : ErrorCode.FAILED_PRECONDITION;
        return new FerryException(code, "%s: paused for %s without the condition clearing: %s; fix it, then resume the job"
                .formatted(subject, human(PAUSE_LIMIT), describe(last)), last);
    }

    /** The user-facing text of a failure: Ferry's own message when there is one, else the driver's, shortened. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FerryException f && f.getMessage() != null) {
                return shorten(f.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failure.getMessage() != null ? failure.getMessage() : root.getMessage();
        return shorten(message == null ? root.getClass().getSimpleName() : message);
    }

    private static String shorten(String text) {
        String line = text.strip().replace('\n', ' ');
        return line.length() > MAX_ERROR ? line.substring(0, MAX_ERROR) + "..." : line;
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 && s > 0 ? s / 3600 + " h" : s % 60 == 0 && s > 0 ? s / 60 + " min" : s + " s";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration wait) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(Math.max(1, wait.toMillis()));
    }
}
