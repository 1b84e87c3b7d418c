package dev.ferry.control.runner;

import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.core.fault.Retrier;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.Replication;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CDC phase: one engine replication per database, each on its own thread, watched by a loop that
 * records lag and rows applied, moves the phase between CDC and READY_FOR_PROMOTE, and carries out a
 * promotion the user asked for: once replication caught up (or after {@link #SCHEMA_CATCH_UP}; at once when
 * forced) the schemas are compared and a difference promotion cannot reconcile refuses it; otherwise every
 * replication stops at the source's position of that moment, the destination's schema is reconciled, and
 * the engine finishes (sequences, bookkeeping, slots). Returns once promoted.
 */
final class ChangeReplication {
    static final String PROMOTE_FORCE = "promote/force";
    static final String PROMOTE_OPERATION = "promote/operation";
    static final String PROMOTE_VALIDATE = "promote/validate";
    private static final Duration READY_LAG = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMillis(500);
    private static final Duration RETENTION_EVERY = Duration.ofSeconds(5);
    /** How long a promotion waits for replication to catch up before the schemas are compared for it. */
    static final Duration SCHEMA_CATCH_UP = Duration.ofSeconds(60);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChangeReplication.class);

    private final Store store;
    private final JobSignals signals;
    private final Clock clock;
    private final Retrier retrier;
    private final SchemaReconciliation schema;
    private final ReplicationBoard board;
    private final PromotionGate gate;

    ChangeReplication(Store store, JobSignals signals, Clock clock, Retrier retrier, SchemaReconciliation schema,
            ReplicationBoard board, PromotionGate gate) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
        this.retrier = retrier;
        this.schema = schema;
        this.board = board;
        this.gate = gate;
    }

    void run(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<String> databases) throws InterruptedException {
        var builder = new ReplicationRequests(store);
        List<ReplicationRequest> requests = databases.stream()
                .map(db -> builder.request(job, engine, db, databases, source, destination)).toList();
        signals.event(Severity.INFO, startMessage(job, databases, Runtime.getRuntime().availableProcessors()));
        SchemaReconciliation.Watch schemaWatch = schema.watch(job, engine, requests, retrier, signals);
        try (schemaWatch) {
            // A promotion that validates and finds a difference is refused: replication then streams on.
            do {
                stream(job, engine, source, requests, schemaWatch);
            } while (gate.refuses(store.findJob(job.name()).orElse(job), engine, source, destination, signals));
        }
        // Replication stopped: the destination's schema takes what changed on the source besides tables and columns.
        schemaWatch.reconcile();
        for (ReplicationRequest request : requests) {
            String subject = "promotion of " + request.database();
            retrier.run(subject, signals.listener(subject), () -> engine.finishReplication(request));
            signals.event(Severity.INFO, ("Promoted database %s: sequences synchronised, "
                    + "replication slot, publication and bookkeeping removed").formatted(request.database()));
        }
    }

    /** Streams every database until a promotion stopped them all. */
    private void stream(MigrationJob job, Engine engine, DatabaseConnection source, List<ReplicationRequest> requests,
            SchemaReconciliation.Watch schemaWatch) throws InterruptedException {
        List<DatabaseStream> streams = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (ReplicationRequest request : requests) {
                    String subject = DatabaseStream.subject(request);
                    Replication replication = retrier.call(subject, signals.listener(subject),
                            () -> engine.openReplication(request));
                    var stream = new DatabaseStream(request, replication, signals, board.ledger(), job.name());
                    streams.add(stream);
                    board.register(job.name(), stream);
                    // A transient fault ends run(); it runs again after a backoff, from the applied position, with
                    // new source and destination sessions, within the job's fault budget.
                    stream.future = executor.submit(() -> {
                        retrier.runLong(subject, stream, healthy -> {
                            stream.healthy = healthy;
                            replication.run(stream);
                        });
                        return null;
                    });
                }
                watch(job, streams, new RetentionMeter(engine, source), schemaWatch);
            } finally {
                board.ended(job.name());
                streams.forEach(s -> s.future.cancel(true));
                streams.forEach(s -> s.replication.close());
            }
        } finally {
            // After the executor closed: no replication thread reports any more.
            signals.pipelinesEnded();
        }
    }

    /**
     * The apply partitions the job asks for: its {@code performanceConfig.applyPartitions}, or 0 (the engine's default
     * for the cores available) when unset. Read when replication starts, so a changed setting takes effect at the
     * next start (resume, or Ferry starting again).
     */
    static int applyPartitions(MigrationJob job) {
        Integer configured = job.performanceConfig().applyPartitions();
        return configured == null ? 0 : configured;
    }

    /** The event that says with how many apply partitions replication starts, and where the number comes from. */
    static String startMessage(MigrationJob job, List<String> databases, int cores) {
        int partitions = job.performanceConfig().effectiveApplyPartitions(cores);
        return ("Change replication of %s starts with %d apply partition%s (%s); a changed number takes effect when "
                + "replication starts again").formatted(String.join(", ", databases), partitions, partitions == 1 ? "" : "s",
                        applyPartitions(job) > 0 ? "performanceConfig.applyPartitions"
                                : "the default for %d core%s".formatted(cores, cores == 1 ? "" : "s"));
    }

    /** Measures what each database's replication costs the source, at most once per {@link #RETENTION_EVERY}. */
    private final class RetentionMeter {
        private final Engine engine;
        private final DatabaseConnection source;
        private java.time.Instant next = java.time.Instant.MIN;

        RetentionMeter(Engine engine, DatabaseConnection source) {
            this.engine = engine;
            this.source = source;
        }

        void tick(MigrationJob job, List<DatabaseStream> streams) {
            java.time.Instant now = clock.instant();
            if (now.isBefore(next)) {
                return;
            }
            next = now.plus(RETENTION_EVERY);
            for (DatabaseStream stream : streams) {
                String database = stream.request.database();
                try {
                    var measured = engine.retention(source.withDatabase(database), database,
                            stream.request.replicationObjects());
                    store.putCheckpoint(job.name(), Retention.PREFIX + database, new Retention(database,
                            measured.retainedWalBytes(), measured.cleanupHeldBackTransactions(), now).text());
                } catch (dev.ferry.core.FerryException e) {
                    log.atDebug().addKeyValue("job", job.name()).addKeyValue("database", database).setCause(e)
                            .log("could not measure the source's retained WAL; the last measurement stays");
                }
            }
        }
    }

    private void watch(MigrationJob job, List<DatabaseStream> streams, RetentionMeter retention,
            SchemaReconciliation.Watch schemaWatch) throws InterruptedException {
        boolean promoting = false;
        boolean forced = false;
        java.time.Instant requested = null;
        Phase phase = job.phase();
        LagSampler lagHistory = new LagSampler(store, clock);
        while (true) {
            for (DatabaseStream stream : streams) {
                try {
                    stream.future.get(TICK.toMillis() / Math.max(1, streams.size()), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // still streaming: the normal case
                } catch (ExecutionException e) {
                    throw failure(e);
                }
            }
            lagHistory.offer(job.name(), recordProgress(job, streams));
            retention.tick(job, streams);
            if (!promoting) {
                schemaWatch.tick();
            }
            boolean force = store.checkpoint(job.name(), PROMOTE_FORCE).isPresent();
            boolean promotionRequested = promotionRequested(job.name());
            if (promotionRequested && !promoting) {
                requested = requested == null ? clock.instant() : requested;
                boolean caughtUp = streams.stream().allMatch(s -> s.lagKnown) && maxLag(streams).compareTo(READY_LAG) < 0;
                if (!force && !caughtUp && clock.instant().isBefore(requested.plus(SCHEMA_CATCH_UP))) {
                    // Tables and columns are replication's to change: compare once it applied what the source did.
                    continue;
                }
                requested = null;
                if (schemaWatch.refusesPromotion()) {
                    // Refused: the job is back in CDC and replicates on; the phase follows the lag again.
                    phase = Phase.CDC;
                    continue;
                }
            }
            if (promotionRequested && (!promoting || (force && !forced))) {
                // A forced promotion may follow a normal one that still waits: it then stops at once.
                promoting = true;
                forced = force;
                for (DatabaseStream stream : streams) {
                    Replication replication = stream.replication;
                    Position target = retrier.call(stream.subject(), stream,
                            () -> force ? replication.applied() : replication.sourceHead());
                    replication.stopAt(target);
                }
                signals.event(Severity.INFO, force
                        ? "Promotion forced: stopping replication where it is"
                        : "Promotion: applying everything the source committed until now, then stopping");
            }
            if (streams.stream().allMatch(s -> s.future.isDone())) {
                if (promoting) {
                    recordProgress(job, streams);
                    return;
                }
                // A stream that failed after this round's check ended it: its failure is the job's, not this.
                for (DatabaseStream stream : streams) {
                    try {
                        stream.future.get();
                    } catch (ExecutionException e) {
                        throw failure(e);
                    } catch (java.util.concurrent.CancellationException e) {
                        // cancelled: no failure of its own
                    }
                }
                throw new IllegalStateException("replication of job " + job.name() + " ended without promotion");
            }
            if (!promoting) {
                Phase wanted = maxLag(streams).compareTo(READY_LAG) < 0 && streams.stream().allMatch(s -> s.lagKnown)
                        ? Phase.READY_FOR_PROMOTE : Phase.CDC;
                if (wanted != phase) {
                    phase = wanted;
                    signals.report(new RunnerEvent.Replicating(wanted));
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("job " + job.name() + " interrupted");
            }
        }
    }

    /**
     * Whether the user asked to promote the job. The request is recorded twice: as the job's phase and as the promote
     * operation's checkpoint, which only a refusal or the job's failure removes. A status report racing the request
     * (a resumed job's runner starting up, say) could leave the phase behind; the checkpoint still holds the request,
     * and the phase is put back.
     */
    private boolean promotionRequested(String jobName) {
        MigrationJob current = store.findJob(jobName).orElseThrow();
        if (current.phase() == Phase.PROMOTE_IN_PROGRESS) {
            return true;
        }
        if (store.checkpoint(jobName, PROMOTE_OPERATION).isEmpty()) {
            return false;
        }
        log.atWarn().addKeyValue("job", jobName).addKeyValue("phase", current.phase())
                .log("a promotion was requested but the job's phase does not show it; promoting");
        signals.report(new RunnerEvent.PhaseEntered(Phase.PROMOTE_IN_PROGRESS));
        return true;
    }

    /** What a replication thread's failure means for the job: its own exception where it has one. */
    private static RuntimeException failure(ExecutionException e) throws InterruptedException {
        if (e.getCause() instanceof RuntimeException cause) {
            return cause;
        }
        if (e.getCause() instanceof InterruptedException cause) {
            throw cause;
        }
        return new IllegalStateException("replication failed", e.getCause());
    }

    private static Duration maxLag(List<DatabaseStream> streams) {
        return streams.stream().map(s -> s.lag).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Records the lag and the rows applied per table; returns the lag recorded. */
    private Lag recordProgress(MigrationJob job, List<DatabaseStream> streams) {
        long bytes = streams.stream().mapToLong(s -> s.lagBytes).sum();
        Lag lag = new Lag(maxLag(streams), bytes, clock.instant());
        store.putCheckpoint(job.name(), Lag.CHECKPOINT, lag.text());
        Map<DatabaseStream, Map<TableRef, Long>> drained = new HashMap<>();
        for (DatabaseStream stream : streams) {
            Map<TableRef, Long> applied = stream.drainApplied();
            if (!applied.isEmpty()) {
                drained.put(stream, applied);
            }
        }
        if (drained.isEmpty()) {
            return lag;
        }
        Map<String, JobObject> objects = new HashMap<>();
        for (JobObject o : store.listObjects(job.name())) {
            objects.put(o.id(), o);
        }
        for (DatabaseStream stream : drained.keySet()) {
            for (Map.Entry<TableRef, Long> applied : drained.get(stream).entrySet()) {
                String id = applied.getKey().nameIn(stream.request.database());
                JobObject o = objects.get(id);
                if (o != null) {
                    store.upsertObject(new JobObject(o.job(), o.database(), o.table(), o.state(), Phase.CDC,
                            o.rowsEstimated(), o.bytesEstimated(), o.rowsCopied(), o.bytesCopied(),
                            o.rowsApplied() + applied.getValue(), o.error(), clock.instant()));
                } else {
                    // A table created on the source while the job replicates: it is the job's from now on (listed,
                    // validated), with nothing copied by the full load.
                    store.upsertObject(new JobObject(job.name(), stream.request.database(), applied.getKey(),
                            ObjectState.COPIED, Phase.CDC, 0, 0, 0, 0, applied.getValue(), null, clock.instant()));
                }
            }
        }
        return lag;
    }

    /** One database's replication and what its listener has heard. */
    static final class DatabaseStream implements dev.ferry.core.spi.engine.ReplicationListener,
            dev.ferry.core.fault.FaultListener {
        final ReplicationRequest request;
        final Replication replication;
        private final JobSignals signals;
        private final dev.ferry.control.validate.ChunkLedger ledger;
        private final String job;
        private final Object progress = new Object();
        private volatile Position appliedAt;
        private volatile Position caughtUpTo;
        private final Map<TableRef, Long> applied = new HashMap<>();
        private final java.util.Set<String> reported = new java.util.HashSet<>();
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        volatile Future<Void> future;
        volatile Duration lag = Duration.ZERO;
        volatile long lagBytes;
        volatile boolean lagKnown;
        /**
         * Tells the retrier the stream works again after a fault: a lag measured reaches both servers, changes applied
         * are progress (only they end a pause on a full destination disk).
         */
        volatile Retrier.Recovery healthy = new Retrier.Recovery() {
            @Override
            public void reached() {}

            @Override
            public void progressed() {}
        };

        DatabaseStream(ReplicationRequest request, Replication replication, JobSignals signals,
                dev.ferry.control.validate.ChunkLedger ledger, String job) {
            this.request = request;
            this.replication = replication;
            this.signals = signals;
            this.ledger = ledger;
            this.job = job;
        }

        @Override
        public void changing(TableRef table, Object key) {
            ledger.changed(job, request.database(), table, key);
        }

        /**
         * Waits until everything up to {@code position} is applied: a destination transaction recorded it, or the
         * stream, idle with nothing left to apply, moved past it. Replication merely looking idle says nothing (the
         * source may hold changes not yet sent). False after {@code timeout}.
         */
        boolean awaitApplied(Position position, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (progress) {
                while (true) {
                    Position at = appliedAt;
                    Position idle = caughtUpTo;
                    if (at != null && ReplicationBoard.compare(at, position) >= 0
                            || idle != null && ReplicationBoard.compare(idle, position) >= 0) {
                        return true;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    progress.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                }
            }
        }

        static String subject(ReplicationRequest request) {
            return "replication of " + request.database();
        }

        String subject() {
            return subject(request);
        }

        @Override
        public void faulted(int attempt, String error, Duration retryIn) {
            signals.faulted(subject(), attempt, error, retryIn);
        }

        @Override
        public void recovered() {
            signals.recovered(subject());
        }

        @Override
        public void paused(int attempt, String reason, Duration retryIn) {
            signals.paused(subject(), attempt, reason, retryIn);
        }

        @Override
        public void diverged(TableRef table, String detail) {
            String name = table.nameIn(request.database());
            signals.event(Severity.WARNING, ("%s diverged: %s; recorded, and replication goes on as the job's "
                    + "onDivergence: RECORD setting asks").formatted(name, detail));
        }

        @Override
        public void applied(Position position, java.time.Instant sourceCommitTime, Map<TableRef, Long> rows) {
            healthy.progressed();
            appliedAt = position;
            synchronized (progress) {
                progress.notifyAll();
            }
            lock.lock();
            try {
                rows.forEach((t, n) -> applied.merge(t, n, Long::sum));
            } finally {
                lock.unlock();
            }
        }

        Map<TableRef, Long> drainApplied() {
            lock.lock();
            try {
                Map<TableRef, Long> copy = Map.copyOf(applied);
                applied.clear();
                return copy;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void pipeline(PipelineStats stats) {
            signals.pipeline(request.database(), stats, lagKnown && lag.isZero());
        }

        @Override
        public void lag(Duration lagTime, long bytes) {
            healthy.reached();
            lag = lagTime;
            lagBytes = bytes;
            lagKnown = true;
        }

        @Override
        public void caughtUp(Position position) {
            caughtUpTo = position;
            synchronized (progress) {
                progress.notifyAll();
            }
        }

        @Override
        public void notice(String message) {
            signals.event(Severity.INFO, message);
        }

        @Override
        public void unsupported(TableRef table, String what) {
            if (reported.add(table + what)) {
                signals.event(Severity.WARNING, "%s.%s: %s; such changes are counted and not applied"
                        .formatted(request.database(), table, what));
            }
        }
    }
}
