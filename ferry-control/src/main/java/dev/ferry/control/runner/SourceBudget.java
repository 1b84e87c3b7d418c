package dev.ferry.control.runner;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.SourceLimit;
import dev.ferry.core.model.SourceReservation;
import dev.ferry.core.model.SourceReservation.Shortfall;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The source connections this node's jobs may hold: before a job's runner starts, its need ({@link SourceSessions})
 * is reserved in the store, within this node's {@code --max-source-connections} and the source server's cap shared by
 * every node ({@link SourceLimit}), in one store transaction; the reservation is released when the runner ends. A job
 * that does not fit waits (its state stays STARTING or RESUMING) and says why, in an event when the reason changes and
 * in its describe output. Thread-safe: this node's reservations are taken one at a time.
 */
public final class SourceBudget {
    /** The checkpoint holding why the job waits, for describe; removed once it runs. */
    static final String WAITING = "source-budget/waiting";
    /** How often a waiting job tries again when nothing this node runs ended meanwhile (another node's may). */
    static final Duration RETRY = Duration.ofSeconds(2);
    /** The states in which a job's runner needs its source connections (RUNNING: resumed after a restart or a failover). */
    private static final Set<JobState> RESERVING = EnumSet.of(JobState.STARTING, JobState.RUNNING, JobState.RESUMING,
            JobState.RESTARTING);

    /** This node's name (in the store's reservations) and how many source connections its jobs hold at most (null: no bound). */
    public record Settings(String node, Integer maxSourceConnections) {
        /** A node without a budget of its own (the source servers' caps still apply). */
        public static final Settings UNBOUNDED = new Settings("local", null);

        public Settings {
            if (node == null || node.isBlank()) {
                throw new IllegalArgumentException("a node needs a name");
            }
            if (maxSourceConnections != null && maxSourceConnections < 1) {
                throw new IllegalArgumentException("a node's source connection budget is at least 1: " + maxSourceConnections);
            }
        }
    }

    private final Store store;
    private final Settings settings;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** The last reason each waiting job was given, so an event is written only when it changes. */
    private final Map<String, String> told = new ConcurrentHashMap<>();

    SourceBudget(Store store, Settings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether a job in {@code state} reserves source connections before its runner works (else it only records an end). */
    static boolean reserves(JobState state) {
        return RESERVING.contains(state);
    }

    /**
     * Reserves the job's source connections under lease epoch {@code epoch} (0 without leases) if they fit now, and
     * records through {@code through} (the runner's store view) that it runs or why it waits. Returns whether it may run.
     */
    boolean tryReserve(Store through, MigrationJob job, long epoch) {
        var sessions = SourceSessions.of(job);
        String server = SourceLimit.server(store.findProfile(job.source()).orElseThrow().connection());
        var wanted = new SourceReservation(job.name(), settings.node(), server, sessions.total(), epoch);
        Optional<Shortfall> shortfall;
        lock.lock();
        try {
            shortfall = store.reserveSource(wanted, settings.maxSourceConnections());
        } finally {
            lock.unlock();
        }
        if (shortfall.isPresent()) {
            String why = waiting(shortfall.get(), sessions);
            if (!why.equals(told.put(job.name(), why))) {
                through.appendEvent(job.name(), clock.instant(), Severity.INFO, why);
            }
            through.putCheckpoint(job.name(), WAITING, why);
            return false;
        }
        if (told.remove(job.name()) != null || through.checkpoint(job.name(), WAITING).isPresent()) {
            through.deleteCheckpoint(job.name(), WAITING);
            through.appendEvent(job.name(), clock.instant(), Severity.INFO, ("Reserved %d source connections on %s (%s) "
                    + "on node %s; starting").formatted(sessions.total(), server, sessions.describe(), settings.node()));
        }
        return true;
    }

    /**
     * Waits until the job's source connections are reserved (without leases: this node runs every job), trying again
     * whenever one of this node's jobs releases its own, and every {@link #RETRY}.
     */
    void await(Store through, String jobName) throws InterruptedException {
        while (true) {
            MigrationJob job = store.findJob(jobName).orElse(null);
            if (job == null || !reserves(job.state())) {
                return; // deleted or stopped meanwhile: the runner records it and ends without source connections
            }
            if (tryReserve(through, job, 0)) {
                return;
            }
            lock.lock();
            try {
                released.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Releases the job's reservation under {@code epoch}, when its runner ended on this node. */
    void release(String job, long epoch) {
        told.remove(job);
        try {
            store.releaseSource(job, settings.node(), epoch);
        } finally {
            lock.lock();
            try {
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Releases the reservations of earlier runs: a server that runs every job starts, so none of its runners is left. */
    void releaseAll() {
        store.releaseUnleasedSources();
    }

    /** Why a job waits: {@code Waiting for source connections: node ferry-1 uses 14 of 16; this job needs 4 (…)}. */
    static String waiting(Shortfall shortfall, SourceSessions sessions) {
        int need = sessions.total();
        String where = switch (shortfall.scope()) {
            case NODE -> "node %s uses %d of %d (--max-source-connections)".formatted(shortfall.name(), shortfall.inUse(),
                    shortfall.limit());
            case SERVER -> "source server %s has %d of %d in use by Ferry jobs (ferry source-limits)".formatted(
                    shortfall.name(), shortfall.inUse(), shortfall.limit());
        };
        String then = need > shortfall.limit()
                ? "; it never fits: lower the job's maxSourceConnections (or parallelism), or raise the limit"
                : "; it starts when connections are released";
        return "Waiting for source connections: %s; this job needs %d (%s)%s".formatted(where, need, sessions.describe(), then);
    }
}
