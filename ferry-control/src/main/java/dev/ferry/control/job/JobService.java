package dev.ferry.control.job;

import dev.ferry.control.access.CurrentCaller;
import dev.ferry.control.operation.Operations;
import dev.ferry.control.profile.ProfileService;
import dev.ferry.control.runner.JobLocks;
import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.control.runner.Runners;
import dev.ferry.control.runner.TableComparison;
import dev.ferry.control.verify.Verifier;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.Verb;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use cases of migration jobs. Each verb checks {@link JobLifecycle} first, writes the state it enters
 * before the work starts, then hands the work to a runner; a refused call changes nothing.
 * Thread-safe: calls on one job are serialised with its runner's status writes.
 */
public final class JobService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final Store store;
    private final Runners runners;
    private final Verifier verifier;
    private final Operations operations;
    private final ProfileService profiles;
    private final JobLocks locks;
    private final Clock clock;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public JobService(Store store, Runners runners, Verifier verifier, Operations operations, ProfileService profiles,
            JobLocks locks, Clock clock) {
        this.store = store;
        this.runners = runners;
        this.verifier = verifier;
        this.operations = operations;
        this.profiles = profiles;
        this.locks = locks;
        this.clock = clock;
    }

    public MigrationJob get(String name) {
        return store.findJob(name).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                "Migration job %s not found; list them with: ferry migration-jobs list".formatted(name)));
    }

    public List<MigrationJob> list() {
        return store.listJobs();
    }

    /** With several servers on one store: the lease of the node running the job, if one holds it. */
    public java.util.Optional<dev.ferry.core.model.JobLease> lease(String name) {
        return runners.lease(name);
    }

    /** Why the job waits before it starts (its source connections do not fit yet), while it does. */
    public java.util.Optional<String> waiting(String name) {
        return runners.waiting(get(name));
    }

    /**
     * With several servers on one store: the one node the job can run on, when its source or destination is a managed
     * instance that node created (empty otherwise, and always with the embedded store).
     */
    public java.util.Optional<dev.ferry.control.runner.Placement.Pin> placement(String name) {
        return runners.node().isEmpty() ? java.util.Optional.empty() : new dev.ferry.control.runner.Placement(store).pin(name);
    }

    /** How long a lease outlives its node's last heartbeat (meaningful with several servers on one store). */
    public java.time.Duration leaseTimeout() {
        return runners.node().map(dev.ferry.control.runner.JobLeases.Settings::leaseTimeout).orElse(java.time.Duration.ZERO);
    }

    /**
     * Waits until no runner of this process works on job {@code name}, at most {@code timeout}; returns whether none
     * does. For a watcher in this process, which then sees the job's final state as soon as it is recorded.
     */
    public boolean awaitIdle(String name, java.time.Duration timeout) throws InterruptedException {
        return runners.awaitIdle(name, timeout);
    }

    public List<JobObject> objects(String name) {
        get(name);
        return store.listObjects(name);
    }

    public List<JobEvent> events(String name, int limit) {
        get(name);
        return store.listEvents(name, limit);
    }

    public Operation create(JobRequest request, String requestId) {
        if (request == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A migration job definition is required");
        }
        return operations.once("create", target(String.valueOf(request.name())), requestId, () -> locks.with(request.name(), () -> {
            if (request.type() == null) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A job type is required: ONE_TIME or CONTINUOUS");
            }
            var now = clock.instant();
            var job = new MigrationJob(request.name(), request.displayName(), request.labels(), request.type(),
                    required(request.source(), "source"), required(request.destination(), "destination"),
                    request.objectsConfig(), request.performanceConfig(), JobState.NOT_STARTED, null, null, now, now,
                    null, null, request.overwriteDestination(), request.reliabilityConfig());
            new ObjectSelection(job.objectsConfig());
            if (store.findJob(job.name()).isPresent()) {
                throw new FerryException(ErrorCode.ALREADY_EXISTS, "Migration job %s already exists".formatted(job.name()));
            }
            ConnectionProfile source = profiles.get(job.source());
            ConnectionProfile destination = profiles.get(job.destination());
            if (source.name().equals(destination.name())) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Source and destination must be different profiles");
            }
            if (source.engine() != destination.engine()) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "Source %s is %s but destination %s is %s; Ferry migrates between servers of the same family"
                                .formatted(source.name(), source.engine().id(), destination.name(), destination.engine().id()));
            }
            store.insertJob(job);
            store.appendEvent(job.name(), now, Severity.INFO, byCaller("Job created"));
            log.atInfo().addKeyValue("job", job.name()).log("migration job created");
            return operations.done("create", target(job.name()), requestId, "migration job created");
        }));
    }

    public Operation patch(String name, JobPatch patch, String requestId) {
        return operations.once("patch", target(name), requestId, () -> locks.with(name, () -> {
            MigrationJob job = get(name);
            JobLifecycle.check(name, job.state(), Verb.PATCH);
            ObjectsConfig objects = patch.objectsConfig() != null ? patch.objectsConfig() : job.objectsConfig();
            new ObjectSelection(objects);
            store.updateJob(job.withDefinition(
                    patch.displayName() != null ? patch.displayName() : job.displayName(),
                    patch.labels() != null ? patch.labels() : job.labels(), objects,
                    merge(job.performanceConfig(), patch.performanceConfig()),
                    job.reliabilityConfig().merge(patch.reliabilityConfig()), clock.instant()));
            store.appendEvent(name, clock.instant(), Severity.INFO, byCaller("Job definition changed"));
            return operations.done("patch", target(name), requestId, "migration job updated");
        }));
    }

    /**
     * Replaces the job's definition as a whole from {@code definition}: display name, labels, objects, performance and
     * reliability settings, a field left null taking its default. Legal where PATCH is; type, source and destination
     * never change.
     */
    public Operation redefine(String name, JobRequest definition, String requestId) {
        return operations.once("patch", target(name), requestId, () -> locks.with(name, () -> {
            MigrationJob job = get(name);
            JobLifecycle.check(name, job.state(), Verb.PATCH);
            ObjectsConfig objects = definition.objectsConfig() != null ? definition.objectsConfig() : ObjectsConfig.ALL;
            new ObjectSelection(objects);
            String displayName = definition.displayName() == null || definition.displayName().isBlank() ? null
                    : definition.displayName();
            store.updateJob(job.withDefinition(displayName, definition.labels(), objects, definition.performanceConfig(),
                    definition.reliabilityConfig(), clock.instant()));
            store.appendEvent(name, clock.instant(), Severity.INFO, byCaller("Job definition replaced"));
            return operations.done("patch", target(name), requestId, "migration job updated");
        }));
    }

    /** A done operation saying job {@code name} already matched what was asked, for a declaration that changes nothing. */
    public Operation unchanged(String name, String requestId) {
        get(name);
        return operations.once("patch", target(name), requestId,
                () -> operations.done("patch", target(name), requestId, "migration job unchanged"));
    }

    /**
     * The job's performance settings with those the patch sets: a field the patch leaves out (null) stays. A changed
     * parallelism applies to the next full load, changed apply partitions when replication starts again.
     */
    static PerformanceConfig merge(PerformanceConfig current, PerformanceConfig patch) {
        if (patch == null) {
            return current;
        }
        return new PerformanceConfig(patch.parallelism() != null ? patch.parallelism() : current.parallelism(),
                patch.applyPartitions() != null ? patch.applyPartitions() : current.applyPartitions(),
                patch.analyze() != null ? patch.analyze() : current.analyze());
    }

    /**
     * Checks the job without changing anything. A continuous job that replicates also hears what differs between
     * the source's and the destination's schema, and what of it promotion reconciles.
     */
    public List<Finding> verify(String name) {
        MigrationJob job = get(name);
        JobLifecycle.check(name, job.state(), Verb.VERIFY);
        List<Finding> findings = new java.util.ArrayList<>(verifier.verify(job, filledDatabases(job)));
        if (job.type() == JobType.CONTINUOUS && (job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE
                || job.phase() == Phase.PROMOTE_IN_PROGRESS)) {
            findings.addAll(schemaDifferences(job));
        }
        return findings;
    }

    /** The schema differences of a replicating job, or a finding saying why they could not be compared. */
    private List<Finding> schemaDifferences(MigrationJob job) {
        ConnectionProfile source = store.findProfile(job.source()).orElse(null);
        ConnectionProfile destination = store.findProfile(job.destination()).orElse(null);
        if (source == null || destination == null) {
            return List.of(); // verify reports the missing profile itself
        }
        try {
            return runners.schemaDifferences(job, source, destination);
        } catch (FerryException e) {
            return List.of(new Finding("SCHEMA_NOT_COMPARED", Severity.WARNING,
                    "The source's and the destination's schemas could not be compared: " + e.getMessage(),
                    "Fix the cause and verify again; promotion compares them again and refuses while they cannot be "
                            + "compared", job.name()));
        }
    }

    /** How each database's schema differed when the replicating job last compared them. */
    public List<dev.ferry.control.runner.SchemaStatus> schemaStatus(String name) {
        get(name);
        return runners.schemaStatus(name);
    }

    public Operation start(String name, boolean skipValidation, String requestId) {
        return launch(name, Verb.START, skipValidation, false, requestId);
    }

    public Operation resume(String name, boolean skipValidation, String requestId) {
        return launch(name, Verb.RESUME, skipValidation, false, requestId);
    }

    public Operation restart(String name, boolean skipValidation, String requestId) {
        return restart(name, skipValidation, false, requestId);
    }

    /**
     * Starts the job again from a new snapshot, after wiping what it wrote on the destination; with
     * {@code failedObjectsOnly}, keeps every table that was copied and copies again only the others.
     */
    public Operation restart(String name, boolean skipValidation, boolean failedObjectsOnly, String requestId) {
        return launch(name, Verb.RESTART, skipValidation, failedObjectsOnly, requestId);
    }

    /** {@code keepCopiedTables}: a restart of the failed objects only, recorded once the restart is accepted. */
    private Operation launch(String name, Verb verb, boolean skipValidation, boolean keepCopiedTables, String requestId) {
        return operations.once(verb.apiName(), target(name), requestId, () -> locks.with(name, () -> {
            MigrationJob job = get(name);
            JobLifecycle.check(name, job.state(), verb);
            if (!skipValidation) {
                requireNoErrors(job, verifier.verify(job, filledDatabases(job)), verb);
            } else {
                // Skipping validation never lets Ferry write into the source or clear what it did not make.
                requireNoErrors(job, verifier.verifySameServer(job), verb);
            }
            if (verb == Verb.RESUME || verb == Verb.RESTART) {
                store.findProfile(job.destination()).ifPresent(destination -> requireClearable(job, destination,
                        verb == Verb.RESTART));
            }
            if (keepCopiedTables) {
                runners.keepCopiedTablesAtRestart(name);
            }
            JobState entered = JobLifecycle.entered(job.state(), verb);
            store.updateJob(job.withStatus(entered, job.phase(), null, clock.instant()));
            store.appendEvent(name, clock.instant(), Severity.INFO, byCaller("Job %s requested%s".formatted(verb.apiName(),
                    keepCopiedTables ? " (failed objects only)" : "")));
            Operation op = operations.begin(verb.apiName(), target(name), requestId, "job is " + entered);
            runners.start(name, op.name());
            return op;
        }));
    }

    public Operation stop(String name, String requestId) {
        return operations.once("stop", target(name), requestId, () -> locks.with(name, () -> {
            MigrationJob job = get(name);
            JobLifecycle.check(name, job.state(), Verb.STOP);
            if (!runners.isRunning(name)) {
                store.updateJob(job.withStatus(JobState.STOPPED, job.phase(), job.error(), clock.instant()));
                store.appendEvent(name, clock.instant(), Severity.INFO, byCaller("Job stopped"));
                return operations.done("stop", target(name), requestId, "job stopped");
            }
            store.updateJob(job.withStatus(JobState.STOPPING, job.phase(), job.error(), clock.instant()));
            store.appendEvent(name, clock.instant(), Severity.INFO, byCaller("Job stop requested"));
            Operation op = operations.begin("stop", target(name), requestId, "stopping");
            background.submit(() -> {
                runners.interrupt(name);
                operations.finish(op.name(), null, "job is " + store.findJob(name).map(MigrationJob::state).orElse(JobState.DELETED));
            });
            return op;
        }));
    }

    public Operation promote(String name, String requestId) {
        return promote(name, false, requestId);
    }

    /**
     * Promotes a continuous job: replication applies everything the source had committed at this moment
     * (or stops where it is, with {@code force}), then the destination is finished and the job completes.
     * The returned operation is done when the job is COMPLETED (or failed).
     */
    public Operation promote(String name, boolean force, String requestId) {
        return promote(name, force, false, requestId);
    }

    /**
     * {@link #promote(String, boolean, String)}; with {@code validate} (or the job's {@code validateOnPromote}), once
     * replication applied everything the data is validated before the destination is made writable, and a difference
     * refuses the promotion (the job replicates on) unless {@code force}, which records it in the job's events.
     */
    public Operation promote(String name, boolean force, boolean validate, String requestId) {
        return operations.once("promote", target(name), requestId, () -> locks.with(name, () -> {
            MigrationJob job = get(name);
            JobLifecycle.check(name, job.state(), Verb.PROMOTE);
            if (job.type() == JobType.ONE_TIME) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Migration job %s is one-time; promote applies to continuous jobs, a one-time job completes by itself"
                                .formatted(name));
            }
            if (job.phase() != Phase.CDC && job.phase() != Phase.READY_FOR_PROMOTE
                    && job.phase() != Phase.PROMOTE_IN_PROGRESS) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Migration job %s is in phase %s; it can be promoted once its full load is done and it replicates changes (phase CDC or READY_FOR_PROMOTE)"
                                .formatted(name, job.phase()));
            }
            Operation op = operations.begin("promote", target(name), requestId, "promoting");
            runners.requestPromotion(name, force, validate, op.name());
            store.updateJob(job.withStatus(JobLifecycle.entered(job.state(), Verb.PROMOTE), Phase.PROMOTE_IN_PROGRESS,
                    null, clock.instant()));
            store.appendEvent(name, clock.instant(), Severity.INFO,
                    byCaller((force ? "Promotion requested (forced)" : "Promotion requested")
                            + (validate || job.reliabilityConfig().effectiveValidateOnPromote() ? ", validating the data first" : "")));
            if (!runners.isRunning(name)) {
                runners.start(name, null);
            }
            return op;
        }));
    }

    /**
     * Makes the destination databases read-only for everyone but Ferry before the job starts (a
     * continuous job into an existing destination does this by itself after its full load).
     */
    public Operation demoteDestination(String name, String requestId) {
        return operations.once("demoteDestination", target(name), requestId, () -> locks.with(name, () -> {
            MigrationJob job = get(name);
            JobLifecycle.check(name, job.state(), Verb.DEMOTE_DESTINATION);
            ConnectionProfile destination = profiles.get(job.destination());
            if (!dev.ferry.control.runner.Demotion.needed(destination)) {
                return operations.done("demoteDestination", target(name), requestId,
                        "destination is a managed instance Ferry created; nothing to demote");
            }
            runners.demote(job, profiles.get(job.source()), destination);
            store.appendEvent(name, clock.instant(), Severity.INFO, byCaller("Destination demoted"));
            return operations.done("demoteDestination", target(name), requestId, "destination demoted");
        }));
    }

    /** What the job's replication costs its source, per database, as last measured. */
    public List<dev.ferry.control.runner.Retention> retention(String name) {
        get(name);
        return runners.retention(name);
    }

    /** The job's last measured replication lag, if it has replicated. */
    public java.util.Optional<dev.ferry.control.runner.Lag> lag(String name) {
        get(name);
        return runners.lag(name);
    }

    /** The most lag samples one call answers: a week at one sample every 10 s, as long as the retention keeps them. */
    public static final int MAX_LAG_SAMPLES = 60_480;

    /**
     * The job's replication lag over time since {@code since} (one sample about every 10 s while it replicates, kept
     * at most 7 days), oldest first; at most the newest {@link #MAX_LAG_SAMPLES}.
     */
    public List<dev.ferry.core.model.LagSample> lagHistory(String name, java.time.Instant since) {
        get(name);
        return store.listLagSamples(name, since, MAX_LAG_SAMPLES);
    }

    /**
     * The latest report of each database's change pipeline while the job replicates on this server; empty otherwise
     * (the reports live in the memory of the server that runs the job).
     */
    public List<PipelineSnapshot> pipeline(String name) {
        get(name);
        return runners.pipeline(name);
    }

    /** The job's health while it runs (empty when it is not running). */
    public java.util.Optional<dev.ferry.core.model.JobHealth> health(String name) {
        get(name);
        return runners.health(name);
    }

    /**
     * Deletes the job, stopping its runner first. With {@code force}, a managed destination instance used
     * by no other job is deleted too; without it the instance stays as an ordinary profile.
     */
    public Operation delete(String name, boolean force, String requestId) {
        return operations.once("delete", target(name), requestId, () -> {
            MigrationJob job = locks.with(name, () -> {
                MigrationJob current = get(name);
                JobLifecycle.check(name, current.state(), Verb.DELETE);
                store.updateJob(current.withStatus(JobState.DELETING, current.phase(), current.error(), clock.instant()));
                return current;
            });
            runners.interrupt(name);
            try {
                store.findProfile(job.source()).ifPresent(source -> runners.releaseSource(job, source));
                store.findProfile(job.destination()).ifPresent(destination -> runners.restore(job, destination));
            } catch (FerryException e) {
                // The job keeps what it could not release: it stays, deletable again once the server is back.
                String message = ("Deleting migration job %s could not release its replication objects or restore "
                        + "its destination (%s); the job is kept so nothing it holds is forgotten. Delete it again "
                        + "once the server is reachable").formatted(name, e.getMessage());
                locks.with(name, () -> {
                    MigrationJob current = get(name);
                    store.updateJob(current.withStatus(JobState.FAILED, current.phase(),
                            new dev.ferry.core.model.JobError(e.code(), message), clock.instant()));
                    store.appendEvent(name, clock.instant(), Severity.ERROR, message);
                    return null;
                });
                throw new FerryException(e.code(), message, e);
            }
            locks.with(name, () -> {
                store.deleteJob(name);
                return null;
            });
            runners.forget(name);
            log.atInfo().addKeyValue("job", name).log("migration job deleted");
            String message = "migration job deleted";
            if (force) {
                message += deleteManagedDestination(job);
            }
            return operations.done("delete", target(name), requestId, message);
        });
    }

    private String deleteManagedDestination(MigrationJob job) {
        var destination = store.findProfile(job.destination()).orElse(null);
        if (destination == null || !(destination.spec() instanceof ManagedInstance)) {
            return "";
        }
        boolean usedElsewhere = store.listJobs().stream()
                .anyMatch(j -> j.source().equals(destination.name()) || j.destination().equals(destination.name()));
        if (usedElsewhere) {
            return "; managed instance %s kept: other jobs use it".formatted(destination.name());
        }
        try {
            profiles.delete(destination.name(), true, null);
        } catch (FerryException e) {
            // The job is gone already; the instance stays, and the message says how to remove it.
            log.atWarn().addKeyValue("job", job.name()).addKeyValue("profile", destination.name())
                    .addKeyValue("error", e.getMessage()).log("managed destination instance kept");
            return "; managed instance %s kept: %s".formatted(destination.name(), e.getMessage());
        }
        return "; managed destination instance %s deleted".formatted(destination.name());
    }

    public List<TableComparison> compare(String name) {
        MigrationJob job = get(name);
        return runners.compare(job, profiles.get(job.source()), profiles.get(job.destination()));
    }

    /** Hands back to runners every job that was working when the process last stopped. */
    public void recover() {
        for (MigrationJob job : store.listJobs()) {
            switch (job.state()) {
                case STARTING, RUNNING, RESUMING, RESTARTING -> {
                    // With several nodes on one store, a job with a lease stays with its node (or, if that node
                    // died, goes to whichever node takes the expired lease over).
                    if (!runners.isRunning(job.name())) {
                        store.appendEvent(job.name(), clock.instant(), Severity.INFO,
                                "Ferry restarted; resuming the job from its checkpoints");
                        runners.start(job.name(), null);
                    }
                }
                case STOPPING, DELETING -> {
                    if (!runners.isRunning(job.name())) {
                        finishInterrupted(job);
                    }
                }
                default -> { }
            }
        }
    }

    /** A stop or delete that the server's end cut short, with no runner left on the job: finished now. */
    private void finishInterrupted(MigrationJob job) {
        if (job.state() == JobState.STOPPING) {
            store.updateJob(job.withStatus(JobState.STOPPED, job.phase(), job.error(), clock.instant()));
        } else if (runners.holdsReplication(job.name())) {
            // The delete was cut short: the job still holds a slot or a demotion. Keep it.
            String message = ("Ferry stopped while deleting migration job %s; it still holds replication "
                    + "objects on the source or a demoted destination. Delete it again").formatted(job.name());
            store.updateJob(job.withStatus(JobState.FAILED, job.phase(),
                    new dev.ferry.core.model.JobError(ErrorCode.FAILED_PRECONDITION, message), clock.instant()));
            store.appendEvent(job.name(), clock.instant(), Severity.WARNING, message);
        } else {
            store.deleteJob(job.name());
        }
    }

    /** The databases this job filled and owns (checked on the destination): verify does not call them existing data. */
    private Set<String> filledDatabases(MigrationJob job) {
        Set<String> written = runners.databasesWritten(job.name());
        if (written.isEmpty()) {
            return written;
        }
        ConnectionProfile destination = store.findProfile(job.destination()).orElse(null);
        if (destination == null) {
            return Set.of();
        }
        try {
            return runners.databasesOwned(job, destination);
        } catch (FerryException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) {
                throw e;
            }
            return Set.of(); // verify reports the unreachable destination itself
        }
    }

    private void requireClearable(MigrationJob job, ConnectionProfile destination, boolean restart) {
        try {
            runners.requireClearable(job, destination, restart);
        } catch (FerryException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) {
                throw e;
            }
            // Unreachable now: the runner checks again before it clears anything.
        }
    }

    private static void requireNoErrors(MigrationJob job, List<Finding> findings, Verb verb) {
        List<Finding> errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
        if (!errors.isEmpty()) {
            String text = errors.stream()
                    .map(f -> "%s: %s%s".formatted(f.code(), f.message(), f.remedy() == null ? "" : " (" + f.remedy() + ")"))
                    .collect(Collectors.joining("; "));
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "Cannot %s migration job %s: %s"
                    .formatted(verb.apiName(), job.name(), text));
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A %s connection profile is required".formatted(field));
        }
        return value;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    /** The operation target naming this resource. */
    private static String target(String name) {
        return "migrationJobs/" + name;
    }

    /** An event line saying who asked: {@code Job start requested by ops-token}. */
    private static String byCaller(String message) {
        return message + " by " + CurrentCaller.get().name();
    }

}
