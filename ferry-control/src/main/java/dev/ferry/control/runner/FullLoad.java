package dev.ferry.control.runner;

import dev.ferry.core.Dialect;
import dev.ferry.core.fault.Retrier;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The FULL_DUMP phase, one source database after another: snapshot, schema before the data, tables in
 * parallel (largest first), schema after the data. Each step is checkpointed when it is done, so a
 * resumed job skips what was finished.
 *
 * <p>Resuming after a crash. The exported snapshot of the interrupted attempt died with its connection,
 * so the rest of the database is read from a new snapshot: tables recorded as copied are kept, a table
 * whose copy was interrupted is copied again from scratch (the engine empties it first), and the
 * schema steps that had not finished are done again. Each copied table records the replication
 * position of the snapshot it was read from. For a continuous job, change replication starts at the
 * first snapshot's position and applies a change to a table only when it is newer than the position
 * that table was copied at, so tables read from a later snapshot are neither missing changes nor
 * receive them twice. For a one-time job on a source that is not written meanwhile, both snapshots
 * see the same data and the result is identical to an uninterrupted run.
 *
 * <p>Faults. A transient fault during a database's copy (a server restart, a cut or stalled connection, a
 * deadlock) is ridden through the same way, without a crash: after a backoff the database is copied again
 * from a new snapshot, keeping what was recorded as copied, within the job's fault budget (see {@link Retrier}).
 */
final class FullLoad {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FullLoad.class);
    static final String STARTED = "started";
    static final String DONE = "done";

    private final Store store;
    private final JobReporter reporter;
    private final JobSignals signals;
    private final Clock clock;
    private final Retrier retrier;
    /**
     * A one-time job's row counts of each database, taken during its load ({@link CountsAlongside}) instead of after
     * the whole job; {@link JobRunner} compares them.
     */
    private final java.util.Map<String, java.util.concurrent.CompletableFuture<List<TableComparison>>> counts =
            new java.util.concurrent.ConcurrentHashMap<>();

    FullLoad(Store store, JobReporter reporter, JobSignals signals, Clock clock, Retrier retrier) {
        this.store = store;
        this.reporter = reporter;
        this.signals = signals;
        this.clock = clock;
        this.retrier = retrier;
    }

    static String databaseKey(String database) {
        return "db/" + database;
    }

    private static String stepKey(String database, String step) {
        return "step/" + step + "/" + database;
    }

    static String tableKey(String database, TableInfo table) {
        return tableKey(database, table.ref());
    }

    static String tableKey(String database, dev.ferry.core.model.TableRef table) {
        return "table/" + Dialect.POSTGRESQL.quote(database, table.schema(), table.table());
    }

    static String replicationKey(String database) {
        return "replication/" + database;
    }

    /** The databases the job has written to on the destination, from its checkpoints. */
    static java.util.Set<String> databasesWritten(java.util.Map<String, String> checkpoints) {
        return withPrefix(checkpoints, databaseKey(""));
    }

    /**
     * The databases a resume would clear: their copy started, but their schema script is not recorded as
     * done.
     */
    static java.util.Set<String> databasesClearedOnResume(java.util.Map<String, String> checkpoints) {
        java.util.Set<String> cleared = new java.util.TreeSet<>();
        for (String database : databasesWritten(checkpoints)) {
            if (STARTED.equals(checkpoints.get(databaseKey(database)))
                    && !checkpoints.getOrDefault(stepKey(database, "schema-before"), "").startsWith(DONE)) {
                cleared.add(database);
            }
        }
        return cleared;
    }

    /** The databases whose replication start the job recorded (it keeps a slot or the like there). */
    static java.util.Set<String> databasesReplicated(java.util.Map<String, String> checkpoints) {
        return withPrefix(checkpoints, replicationKey(""));
    }

    private static java.util.Set<String> withPrefix(java.util.Map<String, String> checkpoints, String prefix) {
        return checkpoints.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    void run(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<String> databases, int parallelism) throws InterruptedException {
        for (String database : databases) {
            String mark = store.checkpoint(job.name(), databaseKey(database)).orElse("");
            if (mark.equals(DONE)) {
                continue;
            }
            if (mark.equals(STARTED)) {
                reporter.event(job.name(), Severity.WARNING, ("Database %s was interrupted during its copy; "
                        + "resuming it from a new snapshot, keeping the tables already copied").formatted(database));
            }
            store.putCheckpoint(job.name(), databaseKey(database), STARTED);
            // A transient fault (a restart, a cut connection) retries the database as a crash resume does: a new
            // snapshot, the tables and chunks already copied kept, the interrupted ones copied again.
            var resumed = new AtomicBoolean(mark.equals(STARTED));
            String subject = "copy of database " + database;
            retrier.runLong(subject, signals.listener(subject), healthy -> {
                try {
                    copyDatabase(job, engine, source.withDatabase(database), destination, database, parallelism,
                            resumed.get(), healthy);
                } finally {
                    resumed.set(true);
                }
            });
            store.putCheckpoint(job.name(), databaseKey(database), DONE);
            reporter.event(job.name(), Severity.INFO, "Database %s copied".formatted(database));
        }
    }

    private boolean done(MigrationJob job, String key) {
        return store.checkpoint(job.name(), key).map(v -> v.startsWith(DONE)).orElse(false);
    }

    private void copyDatabase(MigrationJob job, Engine engine, DatabaseConnection source, DatabaseConnection destination,
            String database, int parallelism, boolean resumed, Retrier.Recovery healthy) throws InterruptedException {
        checkInterrupted(job);
        String schemaBefore = stepKey(database, "schema-before");
        String schemaAfter = stepKey(database, "schema-after");
        var ownership = new Ownership(store);
        ownership.prepare(job, database);
        // Every write to the destination below checks first that this node still holds the job (see Fence).
        var fence = store.fence();
        fence.check();
        if (engine.createDatabase(source, destination, database)) {
            ownership.take(job, engine, destination, database);
            reporter.event(job.name(), Severity.INFO, "Created database %s on the destination".formatted(database));
        } else if (!resumed && job.overwriteDestination() && !engine.userObjects(destination, database).isEmpty()) {
            reporter.event(job.name(), Severity.WARNING, ("Dropping the user objects in destination database %s, "
                    + "as the job's overwrite acknowledgement allows").formatted(database));
            fence.check();
            engine.clearDatabase(destination, database);
            ownership.take(job, engine, destination, database);
        } else if (resumed && !done(job, schemaBefore)) {
            // The schema script runs in one transaction, but clear anyway: a crash between the script's
            // commit and its checkpoint would otherwise leave objects that make the retry fail. Only a
            // database this job owns (or that the user let it overwrite, or an empty one) is cleared.
            ownership.requireClearable(job, engine, destination, java.util.Set.of(database), "resume");
            fence.check();
            engine.clearDatabase(destination, database);
            ownership.take(job, engine, destination, database);
        } else if (!ownership.owns(job, engine, destination, database)
                && engine.userObjects(destination, database).isEmpty()) {
            // An existing, empty database: everything in it from now on is Ferry's.
            ownership.take(job, engine, destination, database);
        }
        DatabaseConnection target = destination.withDatabase(database);
        boolean continuous = job.type() == JobType.CONTINUOUS;
        boolean replicationExists = store.checkpoint(job.name(), replicationKey(database)).isPresent();
        var names = continuous ? new ReplicationRecords(store).recordBeforeCreating(job, engine, database) : null;
        var options = new Engine.SnapshotOptions(job.name(), new ObjectSelection(job.objectsConfig(), source.engine()), continuous,
                replicationExists, parallelism, job.reliabilityConfig(), names).withFence(fence);
        String analyzed = stepKey(database, "analyze");
        boolean analyze = job.performanceConfig().effectiveAnalyze() && !done(job, analyzed);
        // Each table's statistics are gathered as soon as its copy is done, while the others load.
        try (SourceSnapshot snapshot = engine.openSnapshot(source, database, options);
                var alongside = new AnalysisAlongside(job.name(), database,
                        analyze ? () -> engine.openAnalysis(source, destination, database) : null);
                var counting = job.type() == JobType.ONE_TIME
                        ? new CountsAlongside(job.name(), engine, source.withDatabase(null), destination, database) : null) {
            // Both sides answer again: a lost connection is back. A full disk is only over once data fits again
            // (a table or schema step done, below).
            healthy.reached();
            snapshot.notes().forEach(note -> reporter.event(job.name(), Severity.INFO, database + ": " + note));
            String position = snapshot.replicationStart().map(p -> p.text()).orElse("");
            if (continuous && !replicationExists && !position.isEmpty()) {
                store.putCheckpoint(job.name(), replicationKey(database), position);
                reporter.event(job.name(), Severity.INFO,
                        "Change replication of %s will start at %s".formatted(database, position));
            }
            List<TableInfo> tables = snapshot.tables();
            List<TableInfo> remaining = tables.stream().filter(t -> !done(job, tableKey(database, t))).toList();
            remaining.forEach(t -> new TableProgress(store, clock, job.name(), database, t).pending());
            reporter.event(job.name(), Severity.INFO, "Copying database %s: %d tables (%d already copied)"
                    .formatted(database, tables.size(), tables.size() - remaining.size()));
            checkInterrupted(job);
            var phases = new PhaseTimes();
            if (!done(job, schemaBefore)) {
                phases.start("schema");
                snapshot.copySchemaBefore(target);
                store.putCheckpoint(job.name(), schemaBefore, DONE);
                healthy.progressed();
            }
            phases.start("data");
            var cost = SnapshotCostMeter.start(store, clock, job.name(), engine, source, database, names,
                    Duration.ofSeconds(5));
            var loading = new java.util.concurrent.atomic.AtomicInteger(remaining.size());
            var unloaded = new java.util.concurrent.atomic.AtomicInteger(remaining.size());
            var loadedOnce = java.util.concurrent.ConcurrentHashMap.<TableRef>newKeySet();
            try {
                new TableCopies(store, clock, signals, database, parallelism, job.reliabilityConfig().readBytesPerSecond())
                    .copy(snapshot, remaining, target, new TableCopies.Listener() {
                        @Override
                        public void rowsLoaded(TableInfo t) {
                            if (counting == null) {
                                return;
                            }
                            // Counted on the destination while its indexes build (a count does not wait for them).
                            counting.loaded(t.ref());
                            if (loadedOnce.add(t.ref()) && unloaded.decrementAndGet() == 0) {
                                // Every row the load reads is read: the source is counted now, beside the last indexes.
                                counting.sourceNow(objectsOf(job, database));
                            }
                        }

                        @Override
                        public void copied(TableInfo t, dev.ferry.core.spi.engine.CopyResult result) {
                            // A copy that yielded to another session read the table at a later point than the snapshot.
                            String readAt = result.readPosition().map(p -> p.text()).orElse(position);
                            store.putCheckpoint(job.name(), tableKey(database, t), readAt.isEmpty() ? DONE : DONE + "@" + readAt);
                            healthy.progressed();
                            // Analyzed (and counted, when the engine did not say the rows were in) while the others
                            // load. The table whose copy ends the load is left to after the schema after the data,
                            // whose ALTER TABLEs would otherwise wait for those reads.
                            if (loading.decrementAndGet() > 0) {
                                alongside.copied(t.ref());
                                if (counting != null) {
                                    counting.copied(t.ref());
                                }
                            }
                            if (!readAt.equals(position) && !position.isEmpty()) {
                                reporter.event(job.name(), Severity.INFO, ("%s.%s was read at %s, after the other tables "
                                        + "of the database (at %s), because its copy gave way to another session")
                                        .formatted(database, t.ref(), readAt, position));
                            }
                        }
                    });
            } finally {
                cost.close();
            }
            checkInterrupted(job);
            if (!done(job, schemaAfter)) {
                phases.start("indexes and constraints");
                reporter.event(job.name(), Severity.INFO,
                        "Building indexes, constraints and the rest of the schema of %s".formatted(database));
                snapshot.copySchemaAfter(target);
                store.putCheckpoint(job.name(), schemaAfter, DONE);
                healthy.progressed();
            }
            if (counting != null) {
                // The source is counted now (unless it was once every row was loaded), while the last tables are analyzed.
                counts.put(database, counting.finish(objectsOf(job, database)));
            }
            if (analyze) {
                phases.start("analyze");
                var early = alongside.finish();
                fence.check();
                List<TableRef> rest = tables.stream().map(TableInfo::ref).filter(t -> !early.contains(t)).toList();
                var lines = new java.util.ArrayList<>(alongside.lines());
                if (!rest.isEmpty()) {
                    lines.addAll(engine.analyze(source, destination, database, rest, parallelism));
                }
                store.putCheckpoint(job.name(), analyzed, DONE);
                List<String> failed = lines.stream().filter(l -> !l.startsWith("analyzed") && !l.startsWith("ANALYZE TABLE")
                        || l.contains(" failed: ")).toList();
                reporter.event(job.name(), failed.isEmpty() ? Severity.INFO : Severity.WARNING,
                        "Analyzed the copied tables of %s on the destination, so its planner starts with statistics: %s"
                                .formatted(database, String.join("; ", lines)));
            }
            reporter.event(job.name(), Severity.INFO, "Time per phase of %s: %s".formatted(database, phases.end()));
        }
    }

    /** The tables of {@code database} the job moves, in its order. */
    private List<TableRef> objectsOf(MigrationJob job, String database) {
        return store.listObjects(job.name()).stream().filter(o -> o.database().equals(database))
                .map(dev.ferry.core.model.JobObject::table).toList();
    }

    /**
     * The row counts taken during {@code database}'s load ({@link CountsAlongside}), or empty when none were taken in
     * this run (the database was loaded before a resume) or taking them failed.
     */
    java.util.Optional<List<TableComparison>> counted(String database) {
        var future = counts.get(database);
        if (future == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(future.join());
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            log.atInfo().addKeyValue("database", database).addKeyValue("error", String.valueOf(e.getCause()))
                    .log("row counts taken during the load failed; counting again");
            return java.util.Optional.empty();
        }
    }

    /** How long each step of a database's load took, in the order they ran (steps already done earlier are absent). */
    static final class PhaseTimes {
        private final java.util.LinkedHashMap<String, Long> nanos = new java.util.LinkedHashMap<>();
        private String current;
        private long since;

        void start(String phase) {
            stop();
            current = phase;
            since = System.nanoTime();
        }

        private void stop() {
            if (current != null) {
                nanos.merge(current, System.nanoTime() - since, Long::sum);
                current = null;
            }
        }

        /** {@code schema 0.4s, data 5.1s, …}. */
        String end() {
            stop();
            List<String> parts = new java.util.ArrayList<>();
            nanos.forEach((phase, n) -> parts.add("%s %.1fs".formatted(phase, n / 1e9)));
            return String.join(", ", parts);
        }
    }

    private static void checkInterrupted(MigrationJob job) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("job " + job.name() + " interrupted");
        }
    }
}
