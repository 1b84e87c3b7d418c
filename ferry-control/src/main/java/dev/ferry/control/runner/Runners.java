package dev.ferry.control.runner;

import dev.ferry.control.operation.Operations;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;

/** Starts, interrupts and inspects job runners, and compares a job's tables on both sides. Thread-safe. */
public final class Runners implements AutoCloseable {
    private final Store store;
    private final EngineRegistry engines;
    private final JobScheduler scheduler;
    private final JobRunner runner;
    private final Clock clock;
    private final Operations operations;
    private final PipelineBoard pipelines;
    private final ReplicationBoard replications = new ReplicationBoard();
    private final JobLocks locks;
    /** With several nodes on one store: which node runs each job. Null when this server runs every job itself. */
    private final JobLeases leases;
    private final SourceBudget budget;

    public Runners(Store store, EngineRegistry engines, JobScheduler scheduler, JobLocks locks, Operations operations,
            Clock clock) {
        this(store, engines, scheduler, locks, operations, clock, null);
    }

    /**
     * Runners of a node that shares its store with others ({@code cluster} not null): jobs run on the node that holds
     * their lease, taken through {@code cluster.pool()}, and each runner writes through a store fenced by its lease.
     */
    public Runners(Store store, EngineRegistry engines, JobScheduler scheduler, JobLocks locks, Operations operations,
            Clock clock, Cluster cluster) {
        this(store, engines, scheduler, locks, operations, clock, cluster, cluster == null ? SourceBudget.Settings.UNBOUNDED
                : new SourceBudget.Settings(cluster.settings().node(), null));
    }

    /**
     * Runners as {@link #Runners(Store, EngineRegistry, JobScheduler, JobLocks, Operations, Clock, Cluster)}, whose jobs
     * reserve their source connections within {@code budget} (this node's name and bound) before they start.
     */
    public Runners(Store store, EngineRegistry engines, JobScheduler scheduler, JobLocks locks, Operations operations,
            Clock clock, Cluster cluster, SourceBudget.Settings budget) {
        this.budget = new SourceBudget(store, budget, clock);
        this.locks = locks;
        this.store = store;
        this.engines = engines;
        this.scheduler = scheduler;
        this.clock = clock;
        this.operations = operations;
        this.pipelines = new PipelineBoard(clock);
        this.runner = runnerWriting(store);
        this.leases = cluster == null ? null : new JobLeases(store, cluster.pool(), cluster.settings(), new LeasedWork(), clock);
    }

    /** A node's part in several nodes sharing one store: its settings, and a connection pool for its leases. */
    public record Cluster(JobLeases.Settings settings, javax.sql.DataSource pool) {}

    private JobRunner runnerWriting(Store through) {
        return new JobRunner(through, engines, new JobReporter(through, locks, pipelines, clock),
                new HealthBoard(through, clock), operations, clock, replications);
    }

    /** Starts taking part in leasing jobs (with several nodes on one store; nothing to do otherwise). */
    public void startNode() {
        if (leases != null) {
            leases.start();
        } else {
            budget.releaseAll(); // reservations of this server's previous run: none of its runners is left
        }
    }

    /** Why the job waits before it starts (its source connections do not fit yet), while it does. */
    public java.util.Optional<String> waiting(MigrationJob job) {
        if (!SourceBudget.reserves(job.state())) {
            return java.util.Optional.empty();
        }
        return store.checkpoint(job.name(), SourceBudget.WAITING);
    }

    /** The lease on the job, when a node holds one (never with the embedded store). */
    public java.util.Optional<dev.ferry.core.model.JobLease> lease(String job) {
        if (leases == null) {
            return java.util.Optional.empty();
        }
        return store.listLeases().stream().filter(l -> l.job().equals(job)).findFirst();
    }

    /** This node's settings when it shares the store with other nodes. */
    public java.util.Optional<JobLeases.Settings> node() {
        return leases == null ? java.util.Optional.empty() : java.util.Optional.of(leases.settings());
    }

    /** What this node does now, when it shares the store with other nodes (for its metrics). */
    public java.util.Optional<NodeFigures> nodeFigures() {
        return leases == null ? java.util.Optional.empty() : java.util.Optional.of(leases.figures());
    }

    /**
     * Hands the job to a runner; {@code operation} (may be null) is finished once the job runs or fails. With several
     * nodes on one store the runner is on whichever node takes the job's lease. Returns false when the job has a
     * runner already (or a lease, held by a live node or about to be taken over from a dead one).
     */
    public boolean start(String job, String operation) {
        if (leases != null) {
            return leases.schedule(job, operation);
        }
        return scheduler.submit(job, () -> {
            try {
                runner.run(job, operation, name -> budget.await(store, name));
            } finally {
                budget.release(job, 0);
            }
        });
    }

    /** Forgets what the leases kept of a deleted job. */
    public void forget(String job) {
        if (leases != null) {
            leases.forget(job);
        }
    }

    /** Runs leased jobs on this node's local scheduler, each runner writing through a store fenced by its lease. */
    private final class LeasedWork implements JobLeases.Work {
        @Override
        public boolean start(dev.ferry.core.model.JobLease lease, String operation) {
            Store fenced = store.fenced(lease);
            return scheduler.submit(lease.job(), () -> {
                try {
                    runnerWriting(fenced).run(lease.job(), operation);
                } finally {
                    if (!leases.abandoned()) { // as if the process died: the reservation lapses with the lease
                        budget.release(lease.job(), lease.epoch());
                    }
                }
            });
        }

        @Override
        public boolean admit(dev.ferry.core.model.JobLease lease) {
            var job = store.findJob(lease.job()).orElse(null);
            // A job stopped or deleted meanwhile runs only to record that, without source connections.
            return job == null || !SourceBudget.reserves(job.state()) || budget.tryReserve(store.fenced(lease), job, lease.epoch());
        }

        @Override
        public void release(dev.ferry.core.model.JobLease lease) {
            budget.release(lease.job(), lease.epoch());
        }

        @Override
        public boolean awaitIdle(String job, java.time.Duration timeout) throws InterruptedException {
            return scheduler.awaitIdle(job, timeout);
        }

        @Override
        public void cancel(String job) {
            scheduler.cancel(job, 60);
        }
    }

    /**
     * Ends this node's runners without handing their jobs over, as if the process died: the leases expire and the
     * other nodes resume the jobs. For fault drills and tests; without other nodes, the same as {@link #close}.
     */
    public void abandon() {
        if (leases == null) {
            close();
            return;
        }
        leases.abandon();
        scheduler.close();
        leases.stopAfterRunners();
    }

    /** Whether a runner works on the job: on this server, or (with several nodes) on the node holding its lease. */
    public boolean isRunning(String job) {
        return scheduler.isRunning(job) || leases != null && leases.leased(job);
    }

    /** Waits until no runner works on {@code job}, at most {@code timeout}; see {@link JobScheduler#awaitIdle}. */
    public boolean awaitIdle(String job, java.time.Duration timeout) throws InterruptedException {
        boolean idle = scheduler.awaitIdle(job, timeout);
        return leases == null ? idle : idle && leases.awaitReleased(job, timeout);
    }

    /**
     * Interrupts the job's runner and waits for it to end (up to a minute). With several nodes, a runner on another node
     * sees the job's recorded STOPPING or DELETING within a lease heartbeat and ends; this waits for its lease to go.
     */
    public void interrupt(String job) {
        scheduler.cancel(job, 60);
        if (leases != null) {
            try {
                leases.awaitReleased(job, java.time.Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Row counts on both sides: those a one-time job recorded when it completed (nothing has been copied
     * since), else counted now.
     */
    public List<TableComparison> compare(MigrationJob job, ConnectionProfile source, ConnectionProfile destination) {
        if (job.state() == dev.ferry.core.model.JobState.COMPLETED && job.type() == dev.ferry.core.model.JobType.ONE_TIME) {
            var recorded = RowCounts.decode(store.checkpoint(job.name(), RowCounts.CHECKPOINT));
            if (recorded.isPresent()) {
                return recorded.get();
            }
        }
        return RowCounts.compare(engines.get(source.engine()), source.connection(), destination.connection(),
                store.listObjects(job.name()));
    }

    /** The job's last measured replication lag, if it has replicated. */
    public java.util.Optional<Lag> lag(String job) {
        return store.checkpoint(job, Lag.CHECKPOINT).flatMap(Lag::parse);
    }

    /**
     * The latest report of each database's change pipeline while the job replicates on this server (empty otherwise, and
     * on another server sharing the store: the reports are kept in memory).
     */
    public List<PipelineSnapshot> pipeline(String job) {
        return pipelines.read(job);
    }

    /** The running job's health as last reported (also by another server sharing the store). */
    public java.util.Optional<dev.ferry.core.model.JobHealth> health(String job) {
        return HealthBoard.read(store, job);
    }

    /** What the job's replication costs its source, per database, as last measured (empty before CDC). */
    public List<Retention> retention(String job) {
        return Retention.parseAll(store.checkpoints(job));
    }

    /**
     * What differs now between the source's and the destination's schema of each database the job replicates
     * (empty before its replication starts, and for engines that do not compare schemas), as the engine's findings: what promotion reconciles and what it
     * cannot. Reads only; runs the client tools against both servers.
     */
    public List<dev.ferry.core.model.Finding> schemaDifferences(MigrationJob job, ConnectionProfile source,
            ConnectionProfile destination) {
        var engine = engines.get(source.engine());
        List<dev.ferry.core.model.Finding> findings = new java.util.ArrayList<>();
        if (!engine.comparesSchemas()) {
            return findings;
        }
        for (var request : new ReplicationRequests(store).replicated(job, engine, source.connection(),
                destination.connection())) {
            findings.addAll(engine.schemaDifferences(request));
        }
        return findings;
    }

    /** How each database's schema differed when the replicating job last compared them (empty otherwise). */
    public List<SchemaStatus> schemaStatus(String job) {
        return SchemaStatus.parseAll(store.checkpoints(job));
    }

    /** The replications running on this server, for validation. */
    public ReplicationBoard replications() {
        return replications;
    }

    /** Records that the user asked to promote the job, so its runner stops replication and finishes. */
    public void requestPromotion(String job, boolean force, String operation) {
        requestPromotion(job, force, false, operation);
    }

    /**
     * Records that the user asked to promote the job, so its runner stops replication and finishes; with
     * {@code validate}, it validates the data first and refuses on a difference (unless {@code force}).
     */
    public void requestPromotion(String job, boolean force, boolean validate, String operation) {
        if (force) {
            store.putCheckpoint(job, ChangeReplication.PROMOTE_FORCE, "true");
        }
        if (validate) {
            store.putCheckpoint(job, ChangeReplication.PROMOTE_VALIDATE, "true");
        }
        // A second promote (say, forced after a normal one) takes over: the first call's operation ends here.
        store.checkpoint(job, ChangeReplication.PROMOTE_OPERATION).ifPresent(previous -> operations.finish(previous, null,
                "superseded by operation " + operation));
        store.putCheckpoint(job, ChangeReplication.PROMOTE_OPERATION, operation);
    }

    /** Makes the job's next restart keep the tables already copied (restart of failed objects only). */
    public void keepCopiedTablesAtRestart(String job) {
        store.putCheckpoint(job, JobRunner.RESTART_FAILED_ONLY, "true");
    }

    /** Demotes the job's destination now (the demoteDestination verb). */
    public void demote(MigrationJob job, ConnectionProfile source, ConnectionProfile destination) {
        new Demotion(store, clock).demote(job, engines.get(source.engine()), source.connection(),
                destination.connection());
    }

    /** Restores the job's destination if it was demoted. */
    public void restore(MigrationJob job, ConnectionProfile destination) {
        new Demotion(store, clock).restore(job, engines.get(destination.engine()),
                destination.connection());
    }

    /** The databases the job has written to on the destination. */
    public java.util.Set<String> databasesWritten(String job) {
        return FullLoad.databasesWritten(store.checkpoints(job));
    }

    /** The databases the job has written to and owns, checked on the destination now. */
    public java.util.Set<String> databasesOwned(MigrationJob job, ConnectionProfile destination) {
        return new Ownership(store).owned(job, engines.get(destination.engine()), destination.connection(),
                databasesWritten(job.name()));
    }

    /**
     * Refuses ({@code FAILED_PRECONDITION}) a restart, or a resume that would clear databases, when one of
     * them holds objects the job did not create. Changes nothing.
     */
    public void requireClearable(MigrationJob job, ConnectionProfile destination, boolean restart) {
        var checkpoints = store.checkpoints(job.name());
        var databases = restart ? FullLoad.databasesWritten(checkpoints) : FullLoad.databasesClearedOnResume(checkpoints);
        new Ownership(store).requireClearable(job, engines.get(destination.engine()), destination.connection(), databases,
                restart ? "restart" : "resume");
    }

    /** Whether the job still records replication objects on the source (a slot keeps WAL there). */
    public boolean holdsReplication(String job) {
        return new ReplicationRecords(store).holdsAny(job) || store.checkpoint(job, Demotion.CHECKPOINT).isPresent();
    }

    /** Drops what the job keeps on the source for replication (slots, publications), database by database. */
    public void releaseSource(MigrationJob job, ConnectionProfile source) {
        releaseSource(store, job, engines.get(source.engine()), source.connection());
    }

    static void releaseSource(Store store, MigrationJob job, dev.ferry.core.spi.engine.Engine engine,
            dev.ferry.core.model.DatabaseConnection source) {
        new ReplicationRecords(store).release(job, engine, source);
    }

    @Override
    public void close() {
        if (leases != null) {
            leases.close();
        }
        scheduler.close();
        if (leases != null) {
            leases.stopAfterRunners();
        }
    }
}
