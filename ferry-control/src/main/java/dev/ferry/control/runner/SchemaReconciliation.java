package dev.ferry.control.runner;

import dev.ferry.control.operation.Operations;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.Retrier;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema around a promotion: while replication runs, the differences between the source's and the
 * destination's schema are compared at most every {@link #CHECK_EVERY} in the background and kept as checkpoints
 * ({@link SchemaStatus}) for {@code describe}; a promotion request is refused while a difference cannot be
 * reconciled (its operation fails with the list, the job goes back to CDC and keeps replicating); once
 * replication stopped, the engine reconciles each database and every action becomes a job event.
 */
final class SchemaReconciliation {
    /** Each comparison dumps the schema on both servers (brief share locks on the source): rarely, in the background. */
    static final Duration CHECK_EVERY = Duration.ofMinutes(5);
    /** How often, and how far apart, a promotion compares before it refuses on a difference replication may still settle. */
    static final int SETTLE_ATTEMPTS = 4;
    static final Duration SETTLE_PAUSE = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(SchemaReconciliation.class);

    private final Store store;
    private final JobReporter reporter;
    private final Operations operations;
    private final Clock clock;

    SchemaReconciliation(Store store, JobReporter reporter, Operations operations, Clock clock) {
        this.store = store;
        this.reporter = reporter;
        this.operations = operations;
        this.clock = clock;
    }

    /** What one replication run does about the schema of {@code requests}' databases. */
    Watch watch(MigrationJob job, Engine engine, List<ReplicationRequest> requests, Retrier retrier, JobSignals signals) {
        return new Watch(job, engine, requests, retrier, signals);
    }

    final class Watch implements AutoCloseable {
        private final MigrationJob job;
        private final Engine engine;
        private final List<ReplicationRequest> requests;
        private final Retrier retrier;
        private final JobSignals signals;
        private Instant next = Instant.MIN;
        private Thread background;

        private Watch(MigrationJob job, Engine engine, List<ReplicationRequest> requests, Retrier retrier, JobSignals signals) {
            this.job = job;
            this.engine = engine;
            this.requests = requests;
            this.retrier = retrier;
            this.signals = signals;
        }

        /** Starts a comparison of every database in the background when one is due and none runs. */
        void tick() {
            Instant now = clock.instant();
            if (!engine.comparesSchemas() || now.isBefore(next) || background != null && background.isAlive()) {
                return;
            }
            next = now.plus(CHECK_EVERY);
            background = Thread.ofVirtual().name("ferry-schema-check-" + job.name()).start(this::compareAll);
        }

        private void compareAll() {
            for (ReplicationRequest request : requests) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                try {
                    record(request.database(), engine.schemaDifferences(request));
                } catch (FerryException e) {
                    log.atInfo().addKeyValue("job", job.name()).addKeyValue("database", request.database())
                            .addKeyValue("error", e.getMessage())
                            .log("could not compare the schemas; the last comparison stays until the next one");
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("job", job.name()).addKeyValue("database", request.database()).setCause(e)
                            .log("comparing the schemas failed unexpectedly; the last comparison stays");
                }
            }
        }

        /**
         * Compares every database now; when a difference cannot be reconciled (or the comparison fails for good),
         * refuses the requested promotion and returns true.
         */
        boolean refusesPromotion() throws InterruptedException {
            if (!engine.comparesSchemas()) {
                return false;
            }
            // Change replication creates, drops and retypes tables as its stream and catalog poll reach them: a
            // difference of that kind seen right after the source changed is given a few seconds to settle.
            List<String> blocking = new ArrayList<>();
            for (int attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt++) {
                if (attempt > 1) {
                    Thread.sleep(SETTLE_PAUSE);
                }
                blocking.clear();
                for (ReplicationRequest request : requests) {
                    String subject = "comparing the schema of " + request.database();
                    List<Finding> findings;
                    try {
                        findings = retrier.call(subject, signals.listener(subject), () -> engine.schemaDifferences(request));
                    } catch (FerryException e) {
                        refuse("the schemas of database %s could not be compared: %s".formatted(request.database(), e.getMessage()));
                        return true;
                    }
                    record(request.database(), findings);
                    findings.stream().filter(SchemaFindings::blocksPromotion).forEach(f -> blocking.add(f.message()));
                }
                if (blocking.isEmpty()) {
                    return false;
                }
            }
            refuse("%d schema difference(s) cannot be reconciled: %s".formatted(blocking.size(), String.join("; ", blocking)));
            return true;
        }

        /** Reconciles every database's schema (replication has stopped) and records each action as an event. */
        void reconcile() throws InterruptedException {
            for (ReplicationRequest request : requests) {
                String subject = "reconciling the schema of " + request.database();
                List<String> actions = retrier.call(subject, signals.listener(subject), () -> {
                    request.fence().check();
                    return engine.reconcileSchema(request);
                });
                for (String action : actions) {
                    signals.event(action.startsWith("still differs") ? Severity.WARNING : Severity.INFO,
                            "Reconciled schema of database %s: %s".formatted(request.database(), action));
                }
                String key = SchemaStatus.PREFIX + request.database();
                if (store.checkpoint(job.name(), key).isPresent()) {
                    store.deleteCheckpoint(job.name(), key);
                }
            }
        }

        /** Stops a comparison running in the background and waits for it. */
        @Override
        public void close() {
            Thread running = background;
            if (running == null) {
                return;
            }
            running.interrupt();
            try {
                running.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void record(String database, List<Finding> findings) {
            int blocking = (int) findings.stream().filter(SchemaFindings::blocksPromotion).count();
            store.putCheckpoint(job.name(), SchemaStatus.PREFIX + database,
                    new SchemaStatus(database, findings.size() - blocking, blocking, clock.instant()).text());
        }

        /**
         * Fails the promote operation with {@code reason}, forgets the request and puts the job back to CDC, under
         * the job's lock so that a promote arriving meanwhile is either refused here or seen afterwards.
         */
        private void refuse(String reason) {
            refusePromotion(store, reporter, operations, signals, job.name(), reason);
        }
    }

    /**
     * Refuses the job's requested promotion for {@code reason}: its operation fails with FAILED_PRECONDITION, a forced
     * or validating request is forgotten, and the job goes back to CDC, replicating on.
     */
    static void refusePromotion(Store store, JobReporter reporter, Operations operations, JobSignals signals, String job,
            String reason) {
        String message = ("Promotion of migration job %s refused: %s. The job keeps replicating; make the "
                + "destination match the source (or undo the change on the source), then promote again (or, if "
                + "replication has yet to apply the change, once it has)")
                .formatted(job, reason);
        reporter.locked(job, () -> {
            store.checkpoint(job, ChangeReplication.PROMOTE_OPERATION).ifPresent(operation -> {
                operations.finish(operation, new JobError(ErrorCode.FAILED_PRECONDITION, message), message);
                store.deleteCheckpoint(job, ChangeReplication.PROMOTE_OPERATION);
            });
            for (String key : List.of(ChangeReplication.PROMOTE_FORCE, ChangeReplication.PROMOTE_VALIDATE)) {
                if (store.checkpoint(job, key).isPresent()) {
                    store.deleteCheckpoint(job, key);
                }
            }
            if (store.findJob(job).map(j -> j.phase() == Phase.PROMOTE_IN_PROGRESS).orElse(false)) {
                reporter.report(job, new RunnerEvent.PhaseEntered(Phase.CDC));
            }
        });
        signals.event(Severity.WARNING, message);
        log.atWarn().addKeyValue("job", job).addKeyValue("reason", reason).log("promotion refused");
    }
}
