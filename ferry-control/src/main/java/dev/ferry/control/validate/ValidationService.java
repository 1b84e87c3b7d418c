package dev.ferry.control.validate;

import dev.ferry.control.operation.Operations;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validate verb: validates a job's destination against its source in the background as an operation, keeps the
 * result with the job, and answers it while it runs and after. One validation per job at a time. A job that
 * replicates on this server is validated while changes stream, and the ranges found clean are remembered for its
 * promotion. Thread-safe.
 */
public final class ValidationService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ValidationService.class);

    private final Store store;
    private final EngineRegistry engines;
    private final Operations operations;
    private final Function<String, Optional<ReplicationClock>> replicating;
    private final ChunkLedger ledger;
    private final Clock clock;
    private final ValidationRecords records;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public ValidationService(Store store, EngineRegistry engines, Operations operations,
            Function<String, Optional<ReplicationClock>> replicating, ChunkLedger ledger, Clock clock) {
        this.store = store;
        this.engines = engines;
        this.operations = operations;
        this.replicating = replicating;
        this.ledger = ledger;
        this.clock = clock;
        this.records = new ValidationRecords(store);
    }

    /**
     * What to validate: {@code mode} DATA, SCHEMA or FULL (null: FULL); {@code tables} a comma-separated list of
     * patterns ({@code public.orders}, {@code shop.*}, {@code *.audit_?}) matched against {@code schema.table} and
     * {@code database.schema.table}, or null for every table of the job.
     */
    public record Request(ValidationMode mode, String tables) {}

    public Operation validate(String name, Request request, String requestId) {
        return operations.once("validate", "migrationJobs/" + name, requestId, () -> {
            MigrationJob job = job(name);
            ValidationMode mode = request.mode() == null ? ValidationMode.FULL : Validator.require(request.mode());
            requireValidatable(job);
            Map<String, List<TableRef>> tables = tables(job, request.tables());
            if (tables.isEmpty() && mode != ValidationMode.SCHEMA) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, request.tables() == null
                        ? "Migration job %s has no tables to validate".formatted(name)
                        : "No table of migration job %s matches '%s'; list them with: ferry migration-jobs describe %s"
                                .formatted(name, request.tables(), name));
            }
            if (!running.add(name)) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "A validation of migration job %s is running; wait for it (ferry migration-jobs validations %s)"
                                .formatted(name, name));
            }
            try {
                Operation op = operations.begin("validate", "migrationJobs/" + name, requestId, "validating");
                Validation start = new Validation(newId(), name, op.name(), mode, request.tables(), Validation.Status.PENDING,
                        "starting", clock.instant(), null, 0, 0, 0, 0, List.of(), List.of());
                records.start(start);
                operations.status(op.name(), "validation " + start.id() + " running");
                background.submit(() -> execute(job, start, tables, op));
                return operations.get(op.name());
            } catch (RuntimeException e) {
                running.remove(name);
                throw e;
            }
        });
    }

    private void execute(MigrationJob job, Validation start, Map<String, List<TableRef>> tables, Operation op) {
        String name = job.name();
        try {
            ConnectionProfile source = profile(job.source());
            ConnectionProfile destination = profile(job.destination());
            ReplicationClock clock = replicatesNow(job) ? replicating.apply(name).orElse(null) : null;
            var request = new Validator.Request(job, source.connection(), destination.connection(), tables, start.mode(),
                    clock, ledger, false, job.state() == JobState.COMPLETED, sessions(job),
                    job.reliabilityConfig().validationRowsPerSecond());
            store.appendEvent(name, this.clock.instant(), Severity.INFO, "Validation %s started (%s%s%s)".formatted(start.id(),
                    start.mode().name().toLowerCase(Locale.ROOT), start.tables() == null ? "" : ", tables " + start.tables(),
                    clock != null ? ", while changes stream" : ""));
            Validation done = new Validator(engines.get(source.engine()), this.clock).run(start, request, records::put);
            if (clock == null && job.type() == JobType.CONTINUOUS && job.state() != JobState.COMPLETED
                    && done.status() == Validation.Status.DIFFERENT) {
                done = withMessage(done, done.message() + "; replication does not run on this server, so differences may "
                        + "be changes it has yet to apply");
                records.put(done);
            }
            String summary = "Validation %s: %s (%s; %,.0f rows/s)".formatted(done.id(),
                    done.status().name().toLowerCase(Locale.ROOT), done.message(), done.rowsPerSecond());
            store.appendEvent(name, this.clock.instant(),
                    done.status() == Validation.Status.CLEAN ? Severity.INFO : Severity.WARNING, summary);
            JobError error = done.status() == Validation.Status.FAILED
                    ? new JobError(ErrorCode.FAILED_PRECONDITION, done.message()) : null;
            operations.finish(op.name(), error, "validation %s %s".formatted(done.id(),
                    done.status().name().toLowerCase(Locale.ROOT)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            operations.finish(op.name(), new JobError(ErrorCode.UNAVAILABLE, "validation interrupted"), "interrupted");
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("job", name).setCause(e).log("validation failed");
            String message = e instanceof FerryException f ? f.getMessage() : "validation failed: " + e;
            records.put(withStatus(start, Validation.Status.FAILED, message, this.clock.instant()));
            operations.finish(op.name(), new JobError(e instanceof FerryException f ? f.code() : ErrorCode.INTERNAL, message),
                    "validation " + start.id() + " failed");
        } finally {
            running.remove(name);
        }
    }

    public Validation get(String job, String id) {
        job(job);
        return records.get(job, id).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                "Validation %s of migration job %s not found; list them with: ferry migration-jobs validations %s"
                        .formatted(id, job, job)));
    }

    /** The job's validations, newest first. */
    public List<Validation> list(String job) {
        job(job);
        return records.list(job);
    }

    /** Whether the job's destination holds what a validation can compare: its full load is done. */
    static void requireValidatable(MigrationJob job) {
        boolean loaded = job.state() == JobState.COMPLETED || job.phase() != null && job.phase() != Phase.FULL_DUMP;
        if (job.state() == JobState.DELETING || !loaded) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Migration job %s is %s%s; it can be validated once "
                    + "its full load is done (a one-time job once COMPLETED, a continuous one from phase CDC)")
                    .formatted(job.name(), job.state(), job.phase() == null ? "" : " in phase " + job.phase()));
        }
    }

    /** Whether the job replicates now, so validation must wait for its applied position. */
    static boolean replicatesNow(MigrationJob job) {
        return job.type() == JobType.CONTINUOUS && job.state() == JobState.RUNNING
                && (job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE);
    }

    /** The job's tables by database, those matching {@code patterns} (all when null). */
    Map<String, List<TableRef>> tables(MigrationJob job, String patterns) {
        List<Pattern> wanted = patterns == null || patterns.isBlank() ? null : globs(patterns);
        return records.tables(job.name(), wanted == null ? null : o -> {
            String short_ = o.table().toString();
            String full = o.table().nameIn(o.database());
            return wanted.stream().anyMatch(p -> p.matcher(short_).matches() || p.matcher(full).matches());
        });
    }

    static List<Pattern> globs(String patterns) {
        List<Pattern> out = new ArrayList<>();
        for (String glob : patterns.split(",")) {
            String g = glob.trim();
            if (g.isEmpty()) {
                continue;
            }
            StringBuilder re = new StringBuilder();
            for (char c : g.toCharArray()) {
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            out.add(Pattern.compile(re.toString()));
        }
        if (out.isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "--tables names no pattern; write for example public.orders,shop.*");
        }
        return out;
    }

    static int sessions(MigrationJob job) {
        return Validator.sessions(job, Runtime.getRuntime().availableProcessors());
    }

    private MigrationJob job(String name) {
        return store.findJob(name).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                "Migration job %s not found; list them with: ferry migration-jobs list".formatted(name)));
    }

    private ConnectionProfile profile(String name) {
        return store.findProfile(name).orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION,
                "Connection profile %s of the job no longer exists".formatted(name)));
    }

    private static String newId() {
        return "v" + Long.toString(System.currentTimeMillis(), 36) + Integer.toString(
                java.util.concurrent.ThreadLocalRandom.current().nextInt(36 * 36), 36);
    }

    static Validation withStatus(Validation v, Validation.Status status, String message, java.time.Instant end) {
        return new Validation(v.id(), v.job(), v.operation(), v.mode(), v.tables(), status, message, v.startTime(),
                end, v.rows(), v.sourceBytes(), v.destinationBytes(), v.dataMillis(), v.tableResults(), v.schemaFindings());
    }

    private static Validation withMessage(Validation v, String message) {
        return new Validation(v.id(), v.job(), v.operation(), v.mode(), v.tables(), v.status(), message, v.startTime(),
                v.endTime(), v.rows(), v.sourceBytes(), v.destinationBytes(), v.dataMillis(), v.tableResults(), v.schemaFindings());
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
