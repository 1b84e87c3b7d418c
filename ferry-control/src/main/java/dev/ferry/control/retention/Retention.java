package dev.ferry.control.retention;

import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes events, finished operations, lag history and finished validations past the {@link RetentionPolicy}, once at start and then every
 * {@code interval}, so the store does not grow without bound on a long-lived server. Several servers
 * sharing a store may prune at once: deleting what is already gone is harmless. Closing stops it.
 */
public final class Retention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final Store store;
    private final RetentionPolicy policy;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public Retention(Store store, RetentionPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    /** Prunes now; returns how many records were removed. */
    public int pruneNow() {
        var before = clock.instant().minus(policy.maxAge());
        int events = store.pruneEvents(before, policy.maxEventsPerJob());
        int operations = store.pruneOperations(before);
        int lagSamples = store.pruneLagSamples(clock.instant().minus(policy.lagHistoryAge()));
        var validations = new dev.ferry.control.validate.ValidationRecords(store);
        int validated = 0;
        for (var job : store.listJobs()) {
            validated += validations.pruneBefore(job.name(), before);
        }
        if (events + operations + validated + lagSamples > 0) {
            log.atInfo().addKeyValue("events", events).addKeyValue("operations", operations)
                    .addKeyValue("lagSamples", lagSamples)
                    .addKeyValue("validations", validated).addKeyValue("maxAge", policy.maxAge())
                    .log("pruned records past the retention");
        }
        return events + operations + validated + lagSamples;
    }

    /** Prunes now and then every {@code interval} on a background thread, until closed. */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ferry-retention").factory());
        timer.scheduleWithFixedDelay(this::pruneQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pruneQuietly() {
        try {
            pruneNow();
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("could not prune old events and operations; trying again later");
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
