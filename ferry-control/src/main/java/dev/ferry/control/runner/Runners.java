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

    public Runners(Store store, EngineRegistry engines, JobScheduler scheduler, JobLocks locks, Operations operations,
            Clock clock) {
        this.store = store;
        this.engines = engines;
        this.scheduler = scheduler;
        this.clock = clock;
        this.operations = operations;
        this.pipelines = new PipelineBoard(clock);
        this.runner = new JobRunner(store, engines, new JobReporter(store, locks, pipelines, clock),
                new HealthBoard(store, clock), operations, clock, replications);
    }

    /** Hands the job to a runner; {@code operation} (may be null) is finished once the job runs or fails. */
    public void start(String job, String operation) {
        scheduler.submit(job, () -> runner.run(job, operation));
    }

    public boolean isRunning(String job) {
        return scheduler.isRunning(job);
    }

    /** Waits until no runner works on {@code job}, at most {@code timeout}; see {@link JobScheduler#awaitIdle}. */
    public boolean awaitIdle(String job, java.time.Duration timeout) throws InterruptedException {
        return scheduler.awaitIdle(job, timeout);
    }

    /** Interrupts the job's runner and waits for it to end (up to a minute). */
    public void interrupt(String job) {
        scheduler.cancel(job, 60);
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
        scheduler.close();
    }
}
