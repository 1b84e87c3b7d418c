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
        int attempt = 0;
        boolean faultOpen = false;
        Instant pausedSince = null;
        try {
            while (true) {
                try {
                    T result = work.run();
                    if (attempt > 0) {
                        listener.recovered();
                    }
                    return result;
                } catch (InterruptedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw e;
                    }
                    FailureKind kind = classifier.apply(e);
                    attempt++;
                    String error = describe(e);
                    if (kind == FailureKind.TRANSIENT) {
                        pausedSince = null;
                        if (!faultOpen) {
                            budget.openFault();
                            faultOpen = true;
                        }
                        if (budget.exhausted()) {
                            throw spent(subject, attempt - 1, e);
                        }
                        Duration wait = min(backoff.delay(attempt, random), budget.remaining());
                        listener.faulted(attempt, error, wait);
                        sleep(wait);
                    } else if (kind == FailureKind.USER_FIXABLE) {
                        if (faultOpen) {
                            budget.closeFault();
                            faultOpen = false;
                        }
                        Instant now = clock.instant();
                        pausedSince = pausedSince == null ? now : pausedSince;
                        if (Duration.between(pausedSince, now).compareTo(PAUSE_LIMIT) >= 0) {
                            throw pausedTooLong(subject, e);
                        }
                        Duration wait = min(backoff.delay(attempt, random), PAUSE_RETRY);
                        listener.paused(attempt, error, wait);
                        sleep(wait);
                    } else {
                        throw e;
                    }
                }
            }
        } finally {
            if (faultOpen) {
                budget.closeFault();
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
