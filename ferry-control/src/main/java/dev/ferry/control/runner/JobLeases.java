package dev.ferry.control.runner;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.ferry.core.model.ClusterNode;
import dev.ferry.core.model.JobLease;
import dev.ferry.core.model.JobState;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node of several sharing one store runs each job, through db-scheduler: a job that should run is one
 * execution in {@code job_leases}; the node whose scheduler picks it holds its lease while the runner works, and
 * db-scheduler renews the lease's heartbeat meanwhile. When a node stops heart-beating (it died, or froze), another
 * node's scheduler finds the execution dead after {@code leaseTimeout} and revives it, and some node picks it up and
 * resumes the job from its checkpoints. An execution's version grows with each pick and revival: it is the lease's
 * epoch, and the runner writes through a store view fenced by it ({@link Store#fenced}), so a node that lost the job
 * cannot record anything for it any more.
 *
 * <p>db-scheduler's per-execution heartbeats and dead-execution detection express one lease per job directly, so no
 * lease table of Ferry's own is needed. The runner itself runs on this node's {@link LocalJobScheduler}; the
 * db-scheduler thread that picked the job waits for it, watching that the lease is still this node's and that the
 * job was not stopped or deleted through another node.
 *
 * <p>A node asked to drain (through any node's API, recorded in its row of {@code nodes}) sees it at its next heartbeat:
 * it pauses its scheduler, so it picks no more jobs, and hands each job it runs to the others exactly as a clean stop
 * does (the runner ends, the lease is released for the next poll). Asked to take jobs again, it resumes its scheduler.
 */
public final class JobLeases implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobLeases.class);
    /** db-scheduler counts an execution dead after this many heartbeat intervals without one. */
    private static final int MISSED_HEARTBEATS = 4;
    private static final Set<JobState> STOP_REQUESTED = EnumSet.of(JobState.STOPPING, JobState.DELETING);
    /** The states in which a job has a runner, and resumes on another node when its node stops. */
    private static final Set<JobState> WORKING = EnumSet.of(JobState.STARTING, JobState.RUNNING, JobState.RESUMING,
            JobState.RESTARTING);

    /**
     * This node: its name (unique among the nodes sharing the store), its API address for others to show, its
     * version, how long a lease lasts without a heartbeat, and how many jobs it runs at most at once.
     */
    public record Settings(String node, String address, String version, Duration leaseTimeout, int maxJobs) {
        public Settings {
            if (node == null || node.isBlank()) {
                throw new IllegalArgumentException("a node needs a name");
            }
            if (leaseTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
                throw new IllegalArgumentException("the lease timeout must be at least 2s: " + leaseTimeout);
            }
            if (maxJobs < 1) {
                throw new IllegalArgumentException("a node runs at least one job: " + maxJobs);
            }
        }

        Duration heartbeat() {
            return leaseTimeout.dividedBy(MISSED_HEARTBEATS);
        }
    }

    /** Runs a job on this node under a lease: what {@link Runners} does with a lease it was given. */
    interface Work {
        /** Starts the job's runner writing through a store fenced by {@code lease}; false if one runs already. */
        boolean start(JobLease lease, String operation);

        /** Waits for the job's local runner to end, at most {@code timeout}; whether it ended. */
        boolean awaitIdle(String job, Duration timeout) throws InterruptedException;

        /** Interrupts the job's local runner and waits for it to end. */
        void cancel(String job);

        /**
         * Reserves the job's source connections on this node under {@code lease}, or records why it waits; whether
         * the job may run here now. {@link #start} releases them when the runner ends.
         */
        boolean admit(JobLease lease);

        /** Releases what {@link #admit} reserved, when the runner did not start after all. */
        void release(JobLease lease);
    }

    private final Store store;
    private final Placement placement;
    private final Settings settings;
    private final DataSource pool;
    private final Work work;
    private final Clock clock;
    private final CustomTask<String> task;
    private final Scheduler scheduler;
    private final ScheduledExecutorService nodeBeat;
    private final Instant started;
    /** Set by a clean stop: runners end and their leases are handed to other nodes at once. */
    private final AtomicBoolean handingOver = new AtomicBoolean();
    /** Set by {@link #abandon}: runners end and leases are left to expire, as when the process dies. */
    private final AtomicBoolean abandoned = new AtomicBoolean();
    /** Set while this node drains: it picks no job and hands the ones it runs to the other nodes. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger holding = new AtomicInteger();
    private final AtomicLong leasesLost = new AtomicLong();
    private final AtomicLong renewalsFailed = new AtomicLong();

    JobLeases(Store store, DataSource pool, Settings settings, Work work, Clock clock) {
        this.store = store;
        this.placement = new Placement(store);
        this.settings = settings;
        this.pool = pool;
        this.work = work;
        this.clock = clock;
        this.started = clock.instant();
        this.task = Tasks.custom(TASK, String.class).onDeadExecutionRevive().execute(this::hold);
        this.scheduler = Scheduler.create(pool, task)
                .tableName("job_leases")
                .schedulerName(new SchedulerName.Fixed(settings.node()))
                .threads(settings.maxJobs())
                .pollingInterval(Duration.ofSeconds(1))
                .heartbeatInterval(settings.heartbeat())
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .commitWhenAutocommitDisabled(true)
                .enableImmediateExecution()
                .addSchedulerListener(new RenewalFailures(renewalsFailed))
                .shutdownMaxWait(Duration.ofSeconds(30))
                .build();
        this.nodeBeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ferry-node-beat").factory());
    }

    /** The task name of job leases in {@code job_leases} (the store reads the same rows). */
    static final String TASK = "ferry-job";

    /**
     * Registers this node and starts taking jobs. A node that starts takes jobs even if it was drained before it stopped:
     * draining is for taking it out of service until it restarts (a rolling upgrade drains, stops, upgrades and starts
     * each node in turn), and undrain is for giving it back without a restart.
     */
    void start() {
        try {
            store.requestNodeDrain(settings.node(), false);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("node", settings.node()).addKeyValue("error", e.getMessage())
                    .log("could not clear this node's drain request; undrain it with: ferry nodes undrain");
        }
        beat();
        nodeBeat.scheduleWithFixedDelay(this::beatAndAdopt, settings.heartbeat().toMillis(), settings.heartbeat().toMillis(),
                TimeUnit.MILLISECONDS);
        scheduler.start();
        log.atInfo().addKeyValue("node", settings.node()).addKeyValue("leaseTimeout", settings.leaseTimeout())
                .addKeyValue("maxJobs", settings.maxJobs()).log("node started; jobs are leased through the shared store");
    }

    private void beat() {
        try {
            followDrainRequest();
            store.heartbeatNode(new ClusterNode(settings.node(), settings.address(), settings.version(), settings.maxJobs(),
                    started, clock.instant(), settings.leaseTimeout(), draining.get(), draining.get()));
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("node", settings.node()).addKeyValue("error", e.getMessage()).log("node heartbeat failed");
        }
    }

    /** A heartbeat once the scheduler runs: the node's row, then the jobs that can run only here. */
    private void beatAndAdopt() {
        beat();
        try {
            adoptPinned();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("node", settings.node()).addKeyValue("error", e.getMessage())
                    .log("could not look for jobs that can run only on this node");
        }
    }

    /**
     * Makes due now the waiting leases of jobs that can run only on this node (another node picked them and gave them
     * back, due a lease timeout later), and polls at once, so that this node takes them before any other polls.
     */
    private void adoptPinned() {
        if (draining.get() || handingOver.get() || abandoned.get()) {
            return;
        }
        Instant now = clock.instant();
        boolean pulled = false;
        for (var job : store.listJobs()) {
            if (!placement.pin(job).map(p -> p.node().equals(settings.node())).orElse(false)) {
                continue;
            }
            var waiting = scheduler.getScheduledExecution(task.instance(job.name()))
                    .filter(e -> !e.isPicked() && !isParked(e.getExecutionTime()) && e.getExecutionTime().isAfter(now));
            if (waiting.isPresent()) {
                try {
                    pulled |= scheduler.reschedule(task.instance(job.name()), now, waiting.get().getData());
                } catch (RuntimeException e) {
                    // picked or changed meanwhile: looked at again at the next heartbeat
                }
            }
        }
        if (pulled) {
            scheduler.triggerCheckForDueExecutions();
        }
    }

    /** Pauses or resumes picking jobs as this node's row in the store asks (a drain or undrain through any node). */
    private void followDrainRequest() {
        boolean requested = store.listNodes().stream().filter(n -> n.name().equals(settings.node())).findFirst()
                .map(ClusterNode::drainRequested).orElse(false);
        if (requested && draining.compareAndSet(false, true)) {
            scheduler.pause();
            log.atInfo().addKeyValue("node", settings.node()).log("node draining: it takes no new jobs and hands its jobs "
                    + "to the other nodes");
        } else if (!requested && draining.compareAndSet(true, false)) {
            scheduler.resume();
            log.atInfo().addKeyValue("node", settings.node()).log("node undrained: it takes jobs again");
        }
    }

    Settings settings() {
        return settings;
    }

    /** What this node does now, for its metrics. */
    NodeFigures figures() {
        return new NodeFigures(settings.node(), holding.get(), settings.maxJobs(), renewalsFailed.get(), leasesLost.get(),
                draining.get());
    }

    /**
     * Asks for the job to run on some node (this one or another): a no-op when it has a lease already, held by a
     * live node or about to be revived from a dead one. Returns whether a new lease was asked for.
     */
    boolean schedule(String job, String operation) {
        String data = operation == null ? "" : operation;
        if (scheduler.scheduleIfNotExists(task.instance(job, data), clock.instant())) {
            return true;
        }
        var parked = scheduler.getScheduledExecution(task.instance(job)).filter(e -> !e.isPicked() && isParked(e.getExecutionTime()));
        if (parked.isEmpty()) {
            return false;
        }
        try {
            return scheduler.reschedule(task.instance(job), clock.instant(), data);
        } catch (RuntimeException e) {
            return false; // another node started it at the same moment
        }
    }

    /**
     * A job whose runner ended keeps its row, parked at {@link #PARKED} instead of removed, so that its next run's lease
     * has a greater version than every earlier one: the epoch only ever grows for a job, which is what lets the
     * destination refuse an older epoch (see {@code ReplicationRequest.withFence}).
     */
    static final Instant PARKED = Instant.parse("9999-01-01T00:00:00Z");

    private static boolean isParked(Instant executionTime) {
        return !executionTime.isBefore(PARKED);
    }

    /** Whether the job has a lease: a node runs it, or one is about to (taking it over from a dead node, maybe). */
    boolean leased(String job) {
        return scheduler.getScheduledExecution(task.instance(job))
                .filter(e -> e.isPicked() || !isParked(e.getExecutionTime())).isPresent();
    }

    /** Forgets a deleted job's parked row. */
    void forget(String job) {
        try {
            if (scheduler.getScheduledExecution(task.instance(job)).filter(e -> !e.isPicked()).isPresent()) {
                scheduler.cancel(task.instance(job));
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("job", job).addKeyValue("error", e.getMessage()).log("could not remove the deleted job's lease row");
        }
    }

    /** Waits until the job has no lease any more (its runner ended wherever it ran), at most {@code timeout}. */
    boolean awaitReleased(String job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (leased(job)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return true;
    }

    /** Holds the lease on one job while this node's runner works on it; runs on a db-scheduler thread. */
    private CompletionHandler<String> hold(TaskInstance<String> instance, ExecutionContext context) {
        holding.incrementAndGet();
        try {
            return holdCounted(instance, context);
        } finally {
            holding.decrementAndGet();
        }
    }

    private CompletionHandler<String> holdCounted(TaskInstance<String> instance, ExecutionContext context) {
        String job = instance.getId();
        String operation = instance.getData() == null || instance.getData().isEmpty() ? null : instance.getData();
        JobLease lease = new JobLease(job, settings.node(), context.getExecution().version, null);
        log.atInfo().addKeyValue("job", job).addKeyValue("node", lease.node()).addKeyValue("epoch", lease.epoch())
                .log("job leased to this node");
        if (draining.get()) {
            // Picked just before the scheduler paused: released at once for another node.
            return (complete, operations) -> operations.reschedule(complete, clock.instant());
        }
        var pin = pinnedElsewhere(job);
        if (pin.isPresent()) {
            return release(job, pin.get());
        }
        // Reserved last: a job given back above holds no source connections.
        if (!admitted(lease)) {
            // Its source connections do not fit here now: the lease goes back for any node to pick up in a moment.
            return (complete, operations) -> operations.reschedule(complete, clock.instant().plus(SourceBudget.RETRY));
        }
        if (!startLocally(lease, operation)) {
            work.release(lease);
            // A runner of an earlier lease of this node is still ending: someone tries again in a moment.
            return (complete, operations) -> operations.reschedule(complete, clock.instant().plus(settings.heartbeat()));
        }
        boolean lost = watch(lease);
        if (lost || abandoned.get()) {
            return (complete, operations) -> { };  // not ours to touch: the new owner's, or left to expire
        }
        if ((handingOver.get() || draining.get()) && stillWorking(job)) {
            log.atInfo().addKeyValue("job", job).addKeyValue("draining", draining.get())
                    .log("node stopping or draining; job handed over to the other nodes");
            return (complete, operations) -> operations.reschedule(complete, clock.instant());
        }
        return (complete, operations) -> operations.reschedule(complete, PARKED);
    }

    private boolean admitted(JobLease lease) {
        try {
            return work.admit(lease);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("job", lease.job()).addKeyValue("error", e.getMessage())
                    .log("could not reserve the job's source connections; trying again in a moment");
            return false;
        }
    }

    private java.util.Optional<Placement.Pin> pinnedElsewhere(String job) {
        return pinned(job).filter(p -> !p.node().equals(settings.node()));
    }

    /** The node the job must run on, if any (a job pinned to this node keeps running here while it drains). */
    private java.util.Optional<Placement.Pin> pinned(String job) {
        try {
            return placement.pin(job);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("job", job).addKeyValue("error", e.getMessage())
                    .log("could not read where the job may run; it runs here");
            return java.util.Optional.empty();
        }
    }

    /**
     * Gives the lease back for the node the job is pinned to (its managed instance's): at once when that node is alive,
     * so that its next poll takes it, else after a lease timeout, while the job waits for that node to come back.
     */
    private CompletionHandler<String> release(String job, Placement.Pin pin) {
        boolean alive = store.listNodes().stream().anyMatch(n -> n.name().equals(pin.node()) && !n.drainRequested()
                && java.time.Duration.between(n.heartbeatTime(), clock.instant()).compareTo(settings.leaseTimeout()) <= 0);
        if (alive) {
            // Not due again for a lease timeout, so that this node does not take it back at its next poll (a node that
            // finds due jobs polls again at once, and would keep winning the race); the node it runs on pulls it
            // forward at its next heartbeat (see adoptPinned).
            log.atDebug().addKeyValue("job", job).addKeyValue("node", pin.node()).log("job runs on another node only; released");
            return (complete, operations) -> operations.reschedule(complete, clock.instant().plus(settings.leaseTimeout()));
        }
        log.atWarn().addKeyValue("job", job).addKeyValue("node", pin.node()).addKeyValue("profile", pin.profile())
                .log("the job can run only on the node that manages its instance, which is not running or drained; it waits for it");
        return (complete, operations) -> operations.reschedule(complete, clock.instant().plus(settings.leaseTimeout()));
    }

    /** Starts the job's runner here; when one of an earlier lease is still ending, waits for it first (up to a minute). */
    private boolean startLocally(JobLease lease, String operation) {
        if (work.start(lease, operation)) {
            return true;
        }
        try {
            work.awaitIdle(lease.job(), Duration.ofMinutes(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return work.start(lease, operation);
    }

    /**
     * Waits for the runner while checking, every heartbeat, that the lease is still this node's (else the runner is
     * stopped at once: it drops the job) and that nobody asked through another node to stop or delete the job. Returns
     * whether the lease was lost.
     */
    private boolean watch(JobLease lease) {
        String job = lease.job();
        while (true) {
            try {
                if (work.awaitIdle(job, settings.heartbeat())) {
                    boolean lost = !held(lease);
                    if (lost) {
                        leasesLost.incrementAndGet();
                    }
                    return lost;
                }
            } catch (InterruptedException e) {
                work.cancel(job);
                Thread.currentThread().interrupt();
                return false;
            }
            if (abandoned.get()) {
                continue;
            }
            if (!held(lease)) {
                log.atWarn().addKeyValue("job", job).addKeyValue("epoch", lease.epoch())
                        .log("this node lost the job's lease; its runner drops the job");
                work.cancel(job);
                leasesLost.incrementAndGet();
                return true;
            }
            if (stopRequested(job)) {
                work.cancel(job);
            } else if (draining.get() && pinned(job).isEmpty()) {
                log.atInfo().addKeyValue("job", job).log("node draining; the job's runner ends here and the job moves on");
                work.cancel(job);
            }
        }
    }

    private boolean held(JobLease lease) {
        try {
            return store.listLeases().stream().anyMatch(l -> l.job().equals(lease.job()) && l.node().equals(lease.node())
                    && l.epoch() == lease.epoch());
        } catch (RuntimeException e) {
            return true; // the store cannot say now; fenced writes still refuse if the lease moved
        }
    }

    private boolean stopRequested(String job) {
        try {
            return store.findJob(job).map(j -> STOP_REQUESTED.contains(j.state())).orElse(true);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean stillWorking(String job) {
        try {
            return store.findJob(job).map(j -> WORKING.contains(j.state())).orElse(false);
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Starts stopping this node cleanly: once the caller interrupted the runners, each job still working is handed to
     * another node at once (its lease released for the next poll); then {@link #stopAfterRunners}.
     */
    @Override
    public void close() {
        handingOver.set(true);
    }

    /**
     * Stops taking part without handing anything over, as if the process died: heartbeats stop, leases stay with
     * this node until they expire, and other nodes then resume its jobs. For fault drills and tests; the caller ends
     * the runners.
     */
    public void abandon() {
        abandoned.set(true);
        nodeBeat.shutdownNow();
        if (pool instanceof AutoCloseable closeable) {
            try {
                closeable.close(); // no heartbeat, no completion reaches the store from here on
            } catch (Exception e) {
                log.atWarn().addKeyValue("error", e.getMessage()).log("closing the lease pool failed");
            }
        }
    }

    /** Whether this node was {@link #abandon abandoned}: nothing it would do at its end reaches the store any more. */
    boolean abandoned() {
        return abandoned.get();
    }

    private final AtomicBoolean stopped = new AtomicBoolean();

    /** Called once the runners ended: stops db-scheduler and the node heartbeat. */
    void stopAfterRunners() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        scheduler.stop();
        nodeBeat.shutdownNow();
        if (!abandoned.get()) {
            try {
                store.removeNode(settings.node());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("node", settings.node()).addKeyValue("error", e.getMessage())
                        .log("could not remove this node's row");
            }
        }
        if (pool instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.atWarn().addKeyValue("error", e.getMessage()).log("closing the lease pool failed");
            }
        }
    }
}
