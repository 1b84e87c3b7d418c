package dev.ferry.control.runner;

import dev.ferry.control.operation.Operations;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.fault.FailureKind;
import dev.ferry.core.fault.FaultBudget;
import dev.ferry.core.fault.Retrier;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one job from its recorded state to COMPLETED, FAILED or STOPPED. Knows phases and
 * checkpoints, never SQL: every database action goes through the engine SPI. Runs on the thread the
 * scheduler gives it; an interrupt means the user stopped or deleted the job.
 */
public final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Store store;
    private final EngineRegistry engines;
    private final JobReporter reporter;
    private final HealthBoard health;
    private final Operations operations;
    private final Clock clock;

    static final String FULL_LOAD = "full-load";
    static final String RESTART_FAILED_ONLY = "restart/failed-only";
    static final String ROLES = "roles";
    /** How often a job's failure that the store could not record (its disk full) is tried again. */
    static final java.time.Duration RECORD_RETRY = java.time.Duration.ofSeconds(5);

    private final ReplicationBoard board;

    public JobRunner(Store store, EngineRegistry engines, JobReporter reporter, HealthBoard health, Operations operations,
            Clock clock, ReplicationBoard board) {
        this.board = board;
        this.store = store;
        this.engines = engines;
        this.reporter = reporter;
        this.health = health;
        this.operations = operations;
        this.clock = clock;
    }

    /** Runs the job; {@code operation}, when not null, is finished once the job is running (or failed). */
    public void run(String jobName, String operation) {
        run(jobName, operation, name -> { });
    }

    /** What a job waits for before its runner touches a server: its source connections ({@link SourceBudget}). */
    interface Admission {
        /** Returns once the job may run; an interrupt (the job stopped, Ferry stopping) ends the wait. */
        void await(String job) throws InterruptedException;
    }

    /** Runs the job once {@code admission} lets it; see {@link #run(String, String)}. */
    void run(String jobName, String operation, Admission admission) {
        MigrationJob job = store.findJob(jobName).orElse(null);
        if (job == null) {
            return;
        }
        var signals = new JobSignals(reporter, health, jobName);
        health.reset(jobName);
        try {
            admission.await(jobName);
            job = store.findJob(jobName).orElse(job);
            // Every session of the job counts as cut after the job's stall timeout without a byte from the server.
            DatabaseConnection source = connection(job.source())
                    .withStallTimeout(job.reliabilityConfig().effectiveStallTimeout());
            DatabaseConnection destination = connection(job.destination())
                    .withStallTimeout(job.reliabilityConfig().effectiveStallTimeout());
            Engine engine = engines.get(source.engine());
            // One fault budget per job run, shared by every part of it (see FaultBudget).
            var retrier = new Retrier(new FaultBudget(job.reliabilityConfig().effectiveFaultBudget(), clock), Backoff.DEFAULT,
                    failure -> storeFailure(failure) ? FailureKind.FATAL : engine.classify(failure), clock, new Random());
            if (job.state() == JobState.RESTARTING) {
                if (store.checkpoint(jobName, RESTART_FAILED_ONLY).isPresent()) {
                    store.deleteCheckpoint(jobName, RESTART_FAILED_ONLY);
                    store.deleteCheckpoint(jobName, FULL_LOAD);
                    reporter.event(jobName, Severity.INFO, "Restarting the tables that were not copied; keeping the others");
                } else {
                    wipe(job, engine, source, destination);
                }
                board.ledger().forget(jobName);
            }
            job = reporter.report(jobName, new RunnerEvent.Running());
            finish(operation, null, "job is running");
            if (job.state() != JobState.RUNNING) {
                throw new InterruptedException("stopped before it started");
            }
            var selection = new ObjectSelection(job.objectsConfig(), source.engine());
            List<String> databases = retrier.call("reading the source's databases", signals.listener("source"),
                    () -> Databases.select(engine, source, selection));
            if (!store.checkpoint(jobName, FULL_LOAD).isPresent()) {
                reporter.report(jobName, new RunnerEvent.PhaseEntered(Phase.FULL_DUMP));
                copyRoles(job, engine, source, destination, databases, retrier, signals);
                int parallelism = sourceParallelism(job);
                var load = new FullLoad(store, reporter, signals, clock, retrier);
                load.run(job, engine, source, destination, databases, parallelism);
                copyPrivileges(job, engine, source, destination, databases, retrier, signals);
                if (job.type() == JobType.ONE_TIME) {
                    MigrationJob loaded = job;
                    retrier.run("comparing row counts", signals.listener("row counts"),
                            () -> checkRowCounts(loaded, engine, source, destination, load::counted));
                }
                store.putCheckpoint(jobName, FULL_LOAD, FullLoad.DONE);
            }
            if (job.type() == JobType.CONTINUOUS) {
                var demotion = new Demotion(store, clock);
                if (Demotion.needed(store.findProfile(job.destination()).orElseThrow())) {
                    MigrationJob demoted = job;
                    retrier.run("demoting the destination", signals.listener("destination"),
                            () -> demotion.demote(demoted, engine, destination, databases));
                }
                // The job as it is now: a resumed job's recorded phase (READY_FOR_PROMOTE) is CDC again, and
                // replication moves it back to READY_FOR_PROMOTE once the lag is small. A promotion requested
                // meanwhile (the recorded phase let it) stays requested.
                job = reporter.report(jobName, new RunnerEvent.Replicating(Phase.CDC));
                new ChangeReplication(store, signals, clock, retrier, new SchemaReconciliation(store, reporter, operations, clock),
                        board, new PromotionGate(store, reporter, operations, board.ledger(), clock))
                        .run(job, engine, source, destination, databases);
                board.ledger().forget(jobName);
                MigrationJob promoted = job;
                retrier.run("restoring the destination", signals.listener("destination"),
                        () -> demotion.restore(promoted, engine, destination));
            }
            if (job.type() == JobType.ONE_TIME && job.reliabilityConfig().effectiveValidation() != ValidationMode.NONE) {
                new AfterLoadValidation(store, clock).run(job, engine, source, destination, signals);
            }
            // The databases are the user's now: Ferry's ownership markers leave them.
            try {
                new Ownership(store).release(job, engine, destination, databases);
            } catch (FerryException e) {
                reporter.event(jobName, Severity.WARNING, ("Could not remove Ferry's ownership markers (schema or "
                        + "database ferry, table ownership) from the destination: %s; drop them by hand").formatted(e.getMessage()));
            }
            reporter.report(jobName, new RunnerEvent.Completed());
            String promote = store.checkpoint(jobName, ChangeReplication.PROMOTE_OPERATION).orElse(null);
            finish(promote, null, "migration job completed");
            log.atInfo().addKeyValue("job", jobName).log("job completed");
        } catch (InterruptedException e) {
            ended(jobName, operation, e);
        } catch (FerryException e) {
            if (dev.ferry.store.LeaseLost.in(e)) {
                dropped(jobName, e);
            } else if (stopRequested(jobName)) {
                ended(jobName, operation, e);
            } else {
                fail(jobName, operation, new JobError(e.code(), e.getMessage()), e);
            }
        } catch (RuntimeException e) {
            if (dev.ferry.store.LeaseLost.in(e)) {
                dropped(jobName, e);
            } else if (stopRequested(jobName)) {
                ended(jobName, operation, e);
            } else {
                fail(jobName, operation, new JobError(ErrorCode.INTERNAL,
                        "Migration job %s failed with an unexpected error; see the server log".formatted(jobName)), e);
            }
        } finally {
            try {
                if (store.findJob(jobName).map(j -> j.state() != JobState.RUNNING).orElse(true)) {
                    health.forget(jobName);
                }
            } catch (FerryException e) {
                log.atWarn().addKeyValue("job", jobName).addKeyValue("error", e.getMessage())
                        .log("could not clear the ended job's health");
            }
        }
    }

    /**
     * The copy parallelism, within the job's cap on source connections: one session holds the snapshot
     * and watches for lock waits, the others copy.
     */
    private int sourceParallelism(MigrationJob job) {
        var sessions = SourceSessions.of(job);
        if (sessions.capped()) {
            reporter.event(job.name(), Severity.INFO, ("Copying with %d session(s) instead of %d: the job allows at most %d "
                    + "connections to the source, one of which holds the snapshot").formatted(sessions.copies(),
                    sessions.wantedCopies(), job.reliabilityConfig().maxSourceConnections()));
        }
        return sessions.copies();
    }

    /**
     * A failure of Ferry's own metadata store (its home's disk full, for one) is never the engines' to classify:
     * retrying against the source or destination cannot fix it, so the job fails with the store's clear message.
     */
    static boolean storeFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FerryException f && f.getMessage() != null && f.getMessage().startsWith("The metadata store ")) {
                return true;
            }
        }
        return false;
    }

    /** Compares the row counts of every table of the job; a database's counts taken during the load are used as they are. */
    private void checkRowCounts(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            java.util.function.Function<String, java.util.Optional<List<TableComparison>>> counted) {
        List<TableComparison> comparisons = RowCounts.compare(engine, source, destination, store.listObjects(job.name()), counted);
        store.putCheckpoint(job.name(), RowCounts.CHECKPOINT, RowCounts.encode(comparisons));
        List<TableComparison> different = comparisons.stream().filter(c -> !c.matches()).toList();
        if (!different.isEmpty()) {
            String tables = different.stream().limit(10)
                    .map(c -> "%s.%s (source %d, destination %d)".formatted(c.database(), c.table(), c.sourceRows(),
                            c.destinationRows()))
                    .collect(Collectors.joining(", "));
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Row counts differ after the copy for %d table(s): %s. "
                    + "If the source was written during a one-time copy this is expected; otherwise restart the job")
                    .formatted(different.size(), tables));
        }
        reporter.event(job.name(), Severity.INFO, "Row counts match for all %d tables".formatted(comparisons.size()));
    }

    /**
     * On a destination Ferry created for the user (a managed instance), creates the roles the source databases use
     * before their schema is copied, so ownership and privileges carry over instead of being dropped. Once per job.
     */
    private void copyRoles(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<String> databases, Retrier retrier, JobSignals signals) throws InterruptedException {
        if (Demotion.needed(store.findProfile(job.destination()).orElseThrow()) || store.checkpoint(job.name(), ROLES).isPresent()) {
            return;
        }
        List<String> done = retrier.call("creating the source's roles on the destination", signals.listener("destination"),
                () -> {
                    store.fence().check();
                    return engine.copyRoles(source, destination, databases);
                });
        done.forEach(line -> reporter.event(job.name(), Severity.INFO, line));
        if (done.stream().anyMatch(line -> line.contains("no password yet"))) {
            reporter.event(job.name(), Severity.INFO, "Login roles and accounts were created without a password (Ferry "
                    + "never reads passwords from the source); set each one on the destination before the application "
                    + "connects (PostgreSQL: ALTER ROLE name PASSWORD '…'; MySQL/MariaDB: ALTER USER name IDENTIFIED BY '…' "
                    + "ACCOUNT UNLOCK)");
        }
        store.putCheckpoint(job.name(), ROLES, "done");
    }

    /** After the load into a managed instance: the privileges the schema copy did not carry (see {@link #copyRoles}). */
    private void copyPrivileges(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<String> databases, Retrier retrier, JobSignals signals) throws InterruptedException {
        if (Demotion.needed(store.findProfile(job.destination()).orElseThrow())) {
            return;
        }
        retrier.call("granting the source's privileges on the destination", signals.listener("destination"),
                () -> {
                    store.fence().check();
                    return engine.copyPrivileges(source, destination, databases);
                })
                .forEach(line -> reporter.event(job.name(), Severity.INFO, line));
    }

    /** Clears every destination database this job had written to, so a restart begins from nothing. */
    private void wipe(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination) {
        java.util.Set<String> written = FullLoad.databasesWritten(store.checkpoints(job.name()));
        new Ownership(store).requireClearable(job, engine, destination, written, "restart");
        for (String database : written) {
            store.fence().check();
            engine.clearDatabase(destination, database);
            reporter.event(job.name(), Severity.INFO, "Cleared destination database %s for the restart".formatted(database));
        }
        Runners.releaseSource(store, job, engine, source);
        new Demotion(store, clock).restore(job, engine, destination);
        store.deleteCheckpoints(job.name());
        store.deleteObjects(job.name());
    }

    private DatabaseConnection connection(String profileName) {
        ConnectionProfile profile = store.findProfile(profileName).orElseThrow(() -> new FerryException(
                ErrorCode.FAILED_PRECONDITION, "Connection profile %s no longer exists".formatted(profileName)));
        return profile.connection();
    }

    private boolean stopRequested(String jobName) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        try {
            return store.findJob(jobName).map(j -> j.state() == JobState.STOPPING || j.state() == JobState.DELETING)
                    .orElse(true);
        } catch (FerryException e) {
            return false; // the store fails (its disk full): the user could not have asked for a stop either
        }
    }

    private void ended(String jobName, String operation, Exception cause) {
        Thread.interrupted();
        MigrationJob job = store.findJob(jobName).orElse(null);
        if (job == null || job.state() == JobState.DELETING) {
            finish(operation, new JobError(ErrorCode.CANCELLED, "Migration job %s was deleted".formatted(jobName)), null);
            return;
        }
        if (job.state() != JobState.STOPPING) {
            // Not the user's stop: Ferry itself is shutting down, or this node drains. The recorded state stays, so
            // the next start of Ferry (or another node sharing the store) resumes the job from its checkpoints.
            log.atInfo().addKeyValue("job", jobName).addKeyValue("state", job.state())
                    .log("job runner interrupted by shutdown or drain; the job resumes from its checkpoints");
            return;
        }
        log.atInfo().addKeyValue("job", jobName).addKeyValue("reason", String.valueOf(cause.getMessage())).log("job stopped");
        reporter.report(jobName, new RunnerEvent.Stopped());
        finish(operation, new JobError(ErrorCode.CANCELLED, "Migration job %s was stopped".formatted(jobName)), null);
    }

    /**
     * This node lost the job's lease (it froze or was cut off past the lease timeout) and another node runs the job
     * now: the store refused this runner's write. Nothing more is recorded from here; the new owner owns the job.
     */
    private static void dropped(String jobName, RuntimeException refusal) {
        Thread.interrupted();
        log.atWarn().addKeyValue("job", jobName).addKeyValue("refusal", refusal.getMessage())
                .log("fencing: the store refused this node's write; the job is dropped here and runs on its new owner");
    }

    /**
     * Records the job's failure. When the store itself fails (its disk is full), the failure cannot be recorded
     * either: it is tried again every {@link #RECORD_RETRY} until the store works, so the job does not stay
     * RUNNING without a runner. An interrupt (Ferry shutting down) ends the wait; the next start resumes the job.
     */
    private void fail(String jobName, String operation, JobError error, Exception cause) {
        log.atError().addKeyValue("job", jobName).setCause(cause).log("job failed");
        while (true) {
            try {
                recordFailure(jobName, operation, error);
                return;
            } catch (FerryException e) {
                if (dev.ferry.store.LeaseLost.in(e)) {
                    dropped(jobName, e);
                    return;
                }
                if (!storeFailure(e)) {
                    throw e;
                }
                log.atWarn().addKeyValue("job", jobName).addKeyValue("error", e.getMessage())
                        .addKeyValue("retryIn", RECORD_RETRY).log("the job's failure cannot be recorded yet");
                try {
                    Thread.sleep(RECORD_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void recordFailure(String jobName, String operation, JobError error) {
        if (store.findJob(jobName).isPresent()) {
            reporter.report(jobName, new RunnerEvent.Failed(error));
            String promote = store.checkpoint(jobName, ChangeReplication.PROMOTE_OPERATION).orElse(null);
            finish(promote, error, error.message());
            if (promote != null) {
                // Deleting an absent checkpoint throws, which left the failing run's own operation unfinished.
                store.deleteCheckpoint(jobName, ChangeReplication.PROMOTE_OPERATION);
            }
        }
        finish(operation, error, error.message());
    }

    private void finish(String operation, JobError error, String message) {
        if (operation != null) {
            operations.finish(operation, error, message == null && error != null ? error.message() : message);
        }
    }
}
