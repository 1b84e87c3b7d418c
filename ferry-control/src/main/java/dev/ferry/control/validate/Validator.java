package dev.ferry.control.validate;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.Validation.RowDifference;
import dev.ferry.core.model.Validation.Status;
import dev.ferry.core.model.Validation.TableResult;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.TableShape;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one validation of a job: its tables' data range by range on both servers (see {@link TableCheck}), with the
 * ranges of all tables sharing a bounded number of sessions per server, then the schema and, once the job is promoted
 * or completed, the sequence values. Reports progress about once a second. A table that cannot be read is FAILED and
 * the others go on.
 */
public final class Validator {
    private static final Logger log = LoggerFactory.getLogger(Validator.class);
    /** About how many rows one range holds. */
    public static final long ROWS_PER_RANGE = 100_000;
    /** How many differing rows are listed per table; the rest are counted. */
    public static final int MAX_LISTED = 100;
    private static final Duration REPORT_EVERY = Duration.ofSeconds(1);

    private final Engine engine;
    private final Clock clock;

    public Validator(Engine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    /**
     * What to validate. {@code tables} are the job's tables by database (already filtered); {@code replication} is
     * the running replication (null when nothing replicates); {@code ledger}, with {@code replication}, learns which
     * ranges are clean; {@code onlyPending} (a promotion) reads only the ranges the ledger does not know clean;
     * {@code sequences} compares sequence values (after promotion) with the schema (not in a DATA validation).
     */
    public record Request(MigrationJob job, DatabaseConnection source, DatabaseConnection destination,
            Map<String, List<TableRef>> tables, ValidationMode mode, ReplicationClock replication, ChunkLedger ledger,
            boolean onlyPending, boolean sequences, int sessions, Long rowsPerSecond) {}

    /** Validates; {@code progress} hears the validation as it goes and once done (its status final). */
    public Validation run(Validation start, Request request, Consumer<Validation> progress) throws InterruptedException {
        Run run = new Run(start, request);
        ExecutorService reporter = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ferry-validation-report").factory());
        reporter.submit(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(REPORT_EVERY);
                    progress.accept(run.snapshot(Status.RUNNING, null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        Validation done;
        try {
            done = run.execute();
        } catch (FerryException e) {
            done = run.snapshot(Status.FAILED, e.getMessage());
        } finally {
            reporter.shutdownNow();
            // A report being written now must not land after the final one below (it would say RUNNING again).
            reporter.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        progress.accept(done);
        return done;
    }

    /** One table's progress; counters are thread-safe, the rest guarded by the object. */
    private static final class TableState {
        final String database;
        final TableRef table;
        volatile Status status = Status.PENDING;
        volatile int chunks;
        final AtomicInteger done = new AtomicInteger();
        final AtomicLong rows = new AtomicLong();
        final List<RowDifference> differences = new ArrayList<>();
        long more;
        final List<String> notes = new ArrayList<>();
        boolean different;
        boolean inconclusive;
        boolean failed;

        TableState(String database, TableRef table) {
            this.database = database;
            this.table = table;
        }

        synchronized void note(String note) {
            if (note != null && notes.size() < 5 && !notes.contains(note)) {
                notes.add(note);
            }
        }

        synchronized void add(RowDifference d) {
            if (differences.size() < MAX_LISTED) {
                differences.add(d);
            } else {
                more += d.count();
            }
        }

        synchronized TableResult result() {
            return new TableResult(database, table.toString(), status, chunks, done.get(), rows.get(), differences, more,
                    notes.isEmpty() ? null : String.join("; ", notes));
        }

        synchronized void finish() {
            status = failed ? Status.FAILED : different ? Status.DIFFERENT : inconclusive ? Status.INCONCLUSIVE : Status.CLEAN;
        }
    }

    /**
     * The ranges to compare (all of {@code count}, or those set in {@code todo}) in groups read together: runs of
     * consecutive ranges, each cut into at most {@code sessions} groups of about equal size, so that every session
     * makes one pass over its part of the table rather than one range scan per range.
     */
    static List<int[]> groups(int count, BitSet todo, int sessions) {
        List<int[]> groups = new ArrayList<>();
        int i = 0;
        while (i < count) {
            if (todo != null && !todo.get(i)) {
                i++;
                continue;
            }
            int start = i;
            while (i < count && (todo == null || todo.get(i))) {
                i++;
            }
            int length = i - start;
            int size = (int) Math.ceil(length / (double) Math.max(1, sessions));
            for (int from = start; from < i; from += size) {
                groups.add(java.util.stream.IntStream.range(from, Math.min(i, from + size)).toArray());
            }
        }
        return groups;
    }

    private final class Run {
        final Validation start;
        final Request request;
        final Map<String, TableState> states = new LinkedHashMap<>();
        final List<Finding> schema = new ArrayList<>();
        final Map<String, DataValidation[]> sides = new ConcurrentHashMap<>();
        final AtomicLong sourceBytes = new AtomicLong();
        final AtomicLong destinationBytes = new AtomicLong();
        final AtomicLong dataMillis = new AtomicLong();

        Run(Validation start, Request request) {
            this.start = start;
            this.request = request;
            request.tables().forEach((db, tables) -> tables.forEach(t -> states.put(db + "\u0000" + t, new TableState(db, t))));
        }

        Validation execute() throws InterruptedException {
            try {
                if (request.mode() != ValidationMode.SCHEMA) {
                    long began = System.nanoTime();
                    data();
                    dataMillis.set(Math.max(1, (System.nanoTime() - began) / 1_000_000));
                }
                if (request.mode() == ValidationMode.FULL || request.mode() == ValidationMode.SCHEMA) {
                    for (String db : request.tables().keySet()) {
                        schema.addAll(beforePromotion(request.job(), engine.validateSchema(request.source(),
                                request.destination(), db, request.job().objectsConfig())));
                    }
                }
                if (request.sequences() && request.mode() != ValidationMode.DATA) {
                    for (var e : request.tables().entrySet()) {
                        DataValidation[] s = sides(e.getKey());
                        schema.addAll(sequenceFindings(e.getKey(), s[0].sequences(e.getValue()), s[1].sequences(e.getValue())));
                    }
                }
            } finally {
                for (DataValidation[] s : sides.values()) {
                    sourceBytes.addAndGet(s[0].bytesRead());
                    destinationBytes.addAndGet(s[1].bytesRead());
                    s[0].close();
                    s[1].close();
                }
                sides.clear();
            }
            return snapshot(null, null);
        }

        DataValidation[] sides(String database) {
            return sides.computeIfAbsent(database, db -> {
                DataValidation s = engine.openValidation(request.source().withDatabase(db), db, request.sessions());
                try {
                    return new DataValidation[] {s, engine.openValidation(request.destination().withDatabase(db), db,
                            request.sessions())};
                } catch (RuntimeException e) {
                    s.close();
                    throw e;
                }
            });
        }

        void data() throws InterruptedException {
            RowThrottle throttle = new RowThrottle(request.rowsPerSecond());
            Semaphore slots = new Semaphore(Math.max(1, request.sessions()));
            List<Future<?>> work = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (TableState state : states.values()) {
                    List<Runnable> ranges = plan(state, throttle, threads);
                    for (Runnable r : ranges) {
                        slots.acquire();
                        work.add(threads.submit(() -> {
                            try {
                                r.run();
                            } finally {
                                slots.release();
                            }
                        }));
                    }
                }
                for (Future<?> f : work) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        log.atWarn().setCause(e.getCause()).log("a validation range failed");
                    }
                }
            }
            states.values().forEach(TableState::finish);
        }

        /** The table's ranges as tasks; none when it cannot be compared (then its state says why). */
        List<Runnable> plan(TableState state, RowThrottle throttle, ExecutorService threads) {
            String db = state.database;
            TableRef table = state.table;
            try {
                DataValidation[] s = sides(db);
                var sourceShape = s[0].shape(table);
                var destinationShape = s[1].shape(table);
                if (sourceShape.isEmpty()) {
                    state.note("the table no longer exists on the source");
                    state.status = Status.CLEAN;
                    return List.of();
                }
                if (destinationShape.isEmpty()) {
                    state.note("the table is missing on the destination");
                    state.different = true;
                    state.finish();
                    return List.of();
                }
                TableShape shape = sourceShape.get();
                List<String> both = new ArrayList<>(shape.columnNames());
                both.retainAll(destinationShape.get().columnNames());
                List<String> onlySource = new ArrayList<>(shape.columnNames());
                onlySource.removeAll(both);
                List<String> onlyDestination = new ArrayList<>(destinationShape.get().columnNames());
                onlyDestination.removeAll(shape.columnNames());
                // At promotion the schema is reconciled right after (columns included): only the data decides there.
                if (!onlySource.isEmpty()) {
                    state.note("columns only on the source, not compared: " + String.join(", ", onlySource));
                    state.different |= !request.onlyPending();
                }
                if (!onlyDestination.isEmpty()) {
                    state.note("columns only on the destination, not compared: " + String.join(", ", onlyDestination));
                    state.different |= !request.onlyPending();
                }
                if (!both.containsAll(shape.key())) {
                    shape = new TableShape(shape.columns(), List.of());
                }
                TableCheck check = new TableCheck(db, table, shape, both, s[0], s[1], request.replication(), throttle, threads);
                List<KeyRange> ranges;
                BitSet todo = null;
                ChunkLedger.Pending pending = request.onlyPending() && request.ledger() != null
                        ? request.ledger().pending(request.job().name(), db, table) : null;
                if (pending != null) {
                    ranges = pending.ranges();
                    todo = pending.todo();
                    state.note("%d of %d ranges changed since they were validated clean during replication; only they were read again"
                            .formatted(todo.cardinality(), ranges.size()));
                } else {
                    ranges = s[0].chunks(table, shape, ROWS_PER_RANGE);
                    if (request.ledger() != null && request.replication() != null) {
                        request.ledger().plan(request.job().name(), db, table, ranges);
                    }
                }
                state.status = Status.RUNNING;
                List<Runnable> tasks = new ArrayList<>();
                state.chunks = todo == null ? ranges.size() : todo.cardinality();
                for (int[] group : groups(ranges.size(), todo, request.sessions())) {
                    tasks.add(() -> compare(state, check, group, ranges));
                }
                if (tasks.isEmpty()) {
                    state.finish();
                }
                return tasks;
            } catch (FerryException e) {
                state.note(e.getMessage());
                state.failed = true;
                state.finish();
                return List.of();
            }
        }

        /**
         * Compares the ranges {@code group} (indexes of contiguous ranges of {@code ranges}): their hashes are read
         * together, one pass over them on each server, then each range is compared, and drilled into when it differs.
         */
        void compare(TableState state, TableCheck check, int[] group, List<KeyRange> ranges) {
            boolean tracking = request.ledger() != null && request.replication() != null && !request.onlyPending();
            List<KeyRange> these = java.util.Arrays.stream(group).mapToObj(ranges::get).toList();
            List<dev.ferry.core.spi.validate.ChunkHash[]> hashes;
            try {
                if (tracking) {
                    for (int index : group) {
                        request.ledger().begin(request.job().name(), state.database, state.table, index);
                    }
                }
                hashes = check.hashBoth(these);
                if (hashes == null) {
                    hashes = java.util.Collections.nCopies(group.length, TableCheck.NOT_APPLIED);
                }
            } catch (RuntimeException | InterruptedException e) {
                // Each range reports the failure on its own below, reading its hashes again.
                hashes = null;
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            for (int k = 0; k < group.length; k++) {
                compare(state, check, group[k], these.get(k), hashes == null ? null : hashes.get(k), tracking);
            }
        }

        /** Compares one range, whose hashes {@code known} were read already (null: read them now). */
        void compare(TableState state, TableCheck check, int index, KeyRange range,
                dev.ferry.core.spi.validate.ChunkHash[] known, boolean tracking) {
            try {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                TableCheck.Outcome outcome = check.compare(range, known);
                state.rows.addAndGet(outcome.rows());
                switch (outcome.kind()) {
                    case CLEAN -> {
                        if (tracking) {
                            request.ledger().clean(request.job().name(), state.database, state.table, index);
                        }
                    }
                    case DIFFERENT -> {
                        synchronized (state) {
                            state.different = true;
                        }
                    }
                    case INCONCLUSIVE -> {
                        synchronized (state) {
                            state.inconclusive = true;
                        }
                    }
                }
                outcome.rowsDiffering().forEach((key, pair) -> state.add(check.describe(key, pair)));
                outcome.counted().forEach(state::add);
                state.note(outcome.note());
            } catch (FerryException e) {
                synchronized (state) {
                    state.failed = true;
                }
                state.note(e.getMessage());
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("table", state.table).setCause(e).log("a validation range failed unexpectedly");
                synchronized (state) {
                    state.failed = true;
                }
                state.note("a range could not be compared: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                synchronized (state) {
                    state.failed = true;
                }
                state.note("validation was interrupted");
            } finally {
                if (state.done.incrementAndGet() >= state.chunks) {
                    state.finish();
                }
            }
        }

        /** The validation as it stands; {@code status} null works it out from the tables and schema. */
        Validation snapshot(Status status, String failure) {
            List<TableResult> tables = states.values().stream().map(TableState::result).toList();
            List<Finding> findings = List.copyOf(schema);
            Status overall = status;
            String message = failure;
            if (overall == null) {
                long different = tables.stream().filter(t -> t.status() == Status.DIFFERENT).count();
                long failed = tables.stream().filter(t -> t.status() == Status.FAILED).count();
                long inconclusive = tables.stream().filter(t -> t.status() == Status.INCONCLUSIVE).count();
                boolean schemaDiffers = findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
                overall = different > 0 || schemaDiffers ? Status.DIFFERENT
                        : failed > 0 ? Status.FAILED : inconclusive > 0 ? Status.INCONCLUSIVE : Status.CLEAN;
                message = summary(tables, findings, different, failed, inconclusive);
            }
            long rows = tables.stream().mapToLong(TableResult::rows).sum();
            boolean finished = overall.done();
            return new Validation(start.id(), start.job(), start.operation(), start.mode(), start.tables(), overall,
                    message, start.startTime(), finished ? clock.instant() : null, rows, sourceBytes.get(),
                    destinationBytes.get(), dataMillis.get(), tables, findings);
        }
    }

    private static String summary(List<TableResult> tables, List<Finding> findings, long different, long failed,
            long inconclusive) {
        List<String> parts = new ArrayList<>();
        long clean = tables.stream().filter(t -> t.status() == Status.CLEAN).count();
        parts.add("%d table(s) clean".formatted(clean));
        if (different > 0) {
            parts.add("%d differ".formatted(different));
        }
        if (inconclusive > 0) {
            parts.add("%d inconclusive".formatted(inconclusive));
        }
        if (failed > 0) {
            parts.add("%d could not be read".formatted(failed));
        }
        long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
        if (errors > 0) {
            parts.add("%d schema difference(s)".formatted(errors));
        }
        if (errors < findings.size()) {
            parts.add("%d schema warning(s)".formatted(findings.size() - errors));
        }
        return String.join(", ", parts);
    }

    /**
     * A continuous job of an engine that creates triggers and events only at promotion (they would otherwise act again
     * on replicated rows) lacks them until then: their absence is a WARNING that says so, not a difference.
     */
    List<Finding> beforePromotion(MigrationJob job, List<Finding> findings) {
        if (!engine.createsTriggersAtPromotion() || job.type() != dev.ferry.core.model.JobType.CONTINUOUS
                || job.state() == dev.ferry.core.model.JobState.COMPLETED) {
            return findings;
        }
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            boolean deferred = f.object() != null && (f.object().startsWith("trigger ") || f.object().startsWith("event "));
            out.add(deferred ? new Finding(f.code(), Severity.WARNING,
                    f.message() + "; a continuous job gets its triggers and events at promotion", f.remedy(), f.object()) : f);
        }
        return out;
    }

    /** Sequences and auto-increment counters whose values differ, or that exist on one side only. */
    static List<Finding> sequenceFindings(String database, Map<String, Long> source, Map<String, Long> destination) {
        List<Finding> out = new ArrayList<>();
        Map<String, Long> all = new TreeMap<>(source);
        Map<String, Long> other = new HashMap<>(destination);
        for (var e : all.entrySet()) {
            Long d = other.remove(e.getKey());
            if (d == null) {
                out.add(new Finding("SEQUENCE_DIFFERENCE", Severity.ERROR,
                        "%s of database %s is missing on the destination".formatted(e.getKey(), database),
                        "Create it on the destination with the source's definition and value", e.getKey()));
            } else if (!d.equals(e.getValue())) {
                out.add(new Finding("SEQUENCE_DIFFERENCE", Severity.ERROR,
                        "%s of database %s is at %d on the source and %d on the destination"
                                .formatted(e.getKey(), database, e.getValue(), d),
                        "Set it on the destination to the source's value before applications write there", e.getKey()));
            }
        }
        for (var e : new TreeMap<>(other).entrySet()) {
            out.add(new Finding("SEQUENCE_DIFFERENCE", Severity.ERROR,
                    "%s of database %s exists only on the destination".formatted(e.getKey(), database),
                    "Drop it on the destination if nothing uses it", e.getKey()));
        }
        return out;
    }

    /**
     * Sessions per server for validating {@code job}: its configured parallelism, else one per two cores of this host
     * (at least one, at most eight). Validation is CPU work on the servers that returns a few bytes per range, and
     * every range keeps a session busy on both servers at once, so the full load's default of twice the cores (made
     * for copies that wait on the network) would only make the servers switch between sessions: measured on two
     * cores with both servers local, 4 sessions a side gave 0.50 M rows/s a side and 1 gave 0.72 M.
     */
    public static int sessions(MigrationJob job, int cores) {
        Integer configured = job.performanceConfig().parallelism();
        int n = configured != null && configured > 0 ? configured : cores / 2;
        return Math.max(1, Math.min(8, n));
    }

    /** Refuses {@code mode} NONE, which validates nothing. */
    static ValidationMode require(ValidationMode mode) {
        if (mode == null || mode == ValidationMode.NONE) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A validation compares data, schema or both (full)");
        }
        return mode;
    }
}
