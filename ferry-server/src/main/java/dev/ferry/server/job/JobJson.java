package dev.ferry.server.job;

import dev.ferry.control.job.JobPatch;
import dev.ferry.control.job.JobRequest;
import dev.ferry.control.runner.PipelineSnapshot;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.JobHealth;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.server.http.ErrorBody;
import dev.ferry.server.http.Times;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of a migration job, used for input and output. Output-only fields (state, phase,
 * error, times, duration) sent back by a client are accepted and ignored.
 */
public record JobJson(
        String name,
        String displayName,
        Map<String, String> labels,
        String type,
        String source,
        String destination,
        ObjectsJson objectsConfig,
        PerformanceJson performanceConfig,
        String state,
        String phase,
        ErrorBody error,
        String createTime,
        String updateTime,
        String startTime,
        String endTime,
        String duration,
        LagJson lag,
        Boolean overwriteDestination,
        ReliabilityJson reliabilityConfig,
        HealthJson health,
        List<SourceRetentionJson> sourceRetention,
        List<PipelineJson> pipeline,
        List<SchemaJson> schema,
        LeaseJson lease,
        String waiting, PlacementJson placement) {

    /**
     * With several Ferry servers on one store: the one node the job can run on, when its source or destination is a
     * managed instance that node created ({@code side} says which, {@code profile} names it), and what that means.
     */
    public record PlacementJson(String node, String profile, String side, String message) {}

    /** This answer with the one node the job can run on, when it has one. */
    public JobJson withPlacement(java.util.Optional<dev.ferry.control.runner.Placement.Pin> pin) {
        PlacementJson json = pin.map(p -> new PlacementJson(p.node(), p.profile(), p.side(), p.explanation())).orElse(null);
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, health, sourceRetention, pipeline, schema, lease, waiting, json);
    }

    /**
     * With several Ferry servers on one store: the node running the job, its lease's epoch, when the node last renewed
     * it and when the lease lapses unless renewed (then another node resumes the job).
     */
    public record LeaseJson(String node, long epoch, String heartbeatTime, String expireTime) {}

    /** This answer with why the job waits to start (its source connections do not fit yet), while it does. */
    public JobJson withWaiting(java.util.Optional<String> why) {
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, health, sourceRetention, pipeline, schema, lease, why.orElse(null), placement);
    }

    /** This answer with the job's lease, when a node holds one. */
    public JobJson withLease(java.util.Optional<dev.ferry.core.model.JobLease> held, java.time.Duration leaseTimeout) {
        LeaseJson json = held.map(l -> new LeaseJson(l.node(), l.epoch(), Times.instant(l.heartbeat()),
                Times.instant(l.expiry(leaseTimeout)))).orElse(null);
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, health, sourceRetention, pipeline, schema, json, waiting, placement);
    }

    /**
     * How the job protects the source and rides through faults; durations as {@code 500ms}, {@code 2s},
     * {@code 15m}, {@code 1h}. Unset fields take the defaults (and are answered with them).
     */
    public record ReliabilityJson(String faultBudget, String stallTimeout, Boolean yieldToDdl, String lockWait,
            String onDivergence, Integer maxSourceConnections, Long readBytesPerSecond, Boolean captureDdl,
            Boolean keepDroppedColumns, String validation, Boolean validateOnPromote, Long validationRowsPerSecond) {

        public static ReliabilityJson of(ReliabilityConfig c) {
            return new ReliabilityJson(ReliabilityConfig.formatDuration(c.effectiveFaultBudget()),
                    ReliabilityConfig.formatDuration(c.effectiveStallTimeout()), c.effectiveYieldToDdl(),
                    ReliabilityConfig.formatDuration(c.effectiveLockWait()), c.effectiveOnDivergence().name(),
                    c.maxSourceConnections(), c.readBytesPerSecond(), c.effectiveCaptureDdl(), c.effectiveKeepDroppedColumns(),
                    c.effectiveValidation().name().toLowerCase(Locale.ROOT), c.effectiveValidateOnPromote(),
                    c.validationRowsPerSecond());
        }

        ReliabilityConfig toConfig() {
            DivergencePolicy policy = null;
            if (onDivergence != null && !onDivergence.isBlank()) {
                try {
                    policy = DivergencePolicy.valueOf(onDivergence.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                            "Unknown onDivergence '%s'; use FAIL or RECORD".formatted(onDivergence), e);
                }
            }
            return new ReliabilityConfig(ReliabilityConfig.parseDuration("faultBudget", faultBudget),
                    ReliabilityConfig.parseDuration("stallTimeout", stallTimeout), yieldToDdl,
                    ReliabilityConfig.parseDuration("lockWait", lockWait), policy, maxSourceConnections,
                    readBytesPerSecond, captureDdl, keepDroppedColumns,
                    dev.ferry.core.model.ValidationMode.parse("validation", validation), validateOnPromote,
                    validationRowsPerSecond);
        }
    }

    /**
     * Output only, while the job runs: {@code OK}, {@code RECONNECTING}, {@code YIELDING} or {@code PAUSED},
     * since when, the attempts of the current fault, its last error and what it concerns.
     */
    public record HealthJson(String status, String since, Integer attempts, String lastError, String subject) {}

    /**
     * Output only: what the job costs its source, per database, as last measured: WAL its replication slot
     * keeps, and how far it holds back the source's cleanup (transactions: PostgreSQL xmin age, MySQL/MariaDB
     * InnoDB history list length). A null value could not be measured.
     */
    public record SourceRetentionJson(String database, Long retainedWalBytes, Long cleanupHeldBackTransactions,
            String measureTime) {}

    /**
     * Output only, while a continuous job replicates: per database, how many schema differences between the source
     * and the destination promotion reconciles ({@code pending}) and how many it cannot ({@code unreconcilable}),
     * as last compared ({@code checkTime}; every 30 s at most). {@code :verify} lists them.
     */
    public record SchemaJson(String database, int pending, int unreconcilable, String checkTime) {}

    /** Output only: how far a continuous job's destination is behind, as last measured. */
    public record LagJson(double seconds, long bytes, String measureTime) {}

    public record ObjectsJson(List<String> include, List<String> exclude) {}

    /**
     * How hard the job works: {@code parallelism} (tables or ranges the full load copies at once) and {@code
     * applyPartitions} (destination sessions that apply replicated changes in parallel, 1 to 64; read when replication
     * starts), and {@code analyze} (default true: the full load ends by gathering the planner's statistics of the
     * tables it copied). Unset fields take defaults from the cores available and are answered unset.
     */
    public record PerformanceJson(Integer parallelism, Integer applyPartitions, Boolean analyze) {
        static PerformanceJson of(PerformanceConfig c) {
            return new PerformanceJson(c.parallelism(), c.applyPartitions(), c.analyze());
        }

        PerformanceConfig toConfig() {
            if (applyPartitions != null && (applyPartitions < 1 || applyPartitions > PerformanceConfig.MAX_APPLY_PARTITIONS)) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("performanceConfig.applyPartitions %d is out of range; "
                        + "use 1 to %d, or leave it out for the default (twice the cores, 2 to 8)")
                        .formatted(applyPartitions, PerformanceConfig.MAX_APPLY_PARTITIONS));
            }
            return new PerformanceConfig(parallelism, applyPartitions, analyze);
        }
    }

    /** The answer form of {@code job}, its duration measured to {@code now} while it runs. */
    public static JobJson of(MigrationJob job, Instant now) {
        return new JobJson(job.name(), job.displayName(), job.labels(), job.type().name(), job.source(),
                job.destination(),
                new ObjectsJson(job.objectsConfig().include(), job.objectsConfig().exclude()),
                PerformanceJson.of(job.performanceConfig()),
                job.state().name(), job.phase() == null ? null : job.phase().name(),
                job.error() == null ? null : new ErrorBody(job.error().code().name(), job.error().message()),
                Times.instant(job.createTime()), Times.instant(job.updateTime()), Times.instant(job.startTime()),
                Times.instant(job.endTime()), Times.duration(job.duration(now)), null,
                job.overwriteDestination() ? Boolean.TRUE : null, ReliabilityJson.of(job.reliabilityConfig()), null, null, null, null, null, null, null);
    }

    /** This answer with the job's replication lag, when it has one. */
    public JobJson withLag(java.util.Optional<dev.ferry.control.runner.Lag> measured) {
        LagJson lagJson = measured.map(l -> new LagJson(l.time().toMillis() / 1000.0, l.bytes(),
                Times.instant(l.measured()))).orElse(null);
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lagJson, overwriteDestination,
                reliabilityConfig, health, sourceRetention, pipeline, schema, lease, waiting, placement);
    }

    /** This answer with the running job's health, when it has one. */
    public JobJson withHealth(java.util.Optional<JobHealth> measured) {
        HealthJson healthJson = measured.filter(h -> "RUNNING".equals(state))
                .map(h -> new HealthJson(h.status().name(), Times.instant(h.since()), h.isOk() ? null : h.attempts(),
                        h.lastError(), h.subject())).orElse(null);
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, healthJson, sourceRetention, pipeline, schema, lease, waiting, placement);
    }

    /** This answer with what the job costs its source, when measured. */
    public JobJson withRetention(List<dev.ferry.control.runner.Retention> measured) {
        List<SourceRetentionJson> json = measured.isEmpty() ? null : measured.stream()
                .map(r -> new SourceRetentionJson(r.database(), boxed(r.retainedWalBytes()), boxed(r.cleanupHeldBack()),
                        Times.instant(r.measured()))).toList();
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, health, json, pipeline, schema, lease, waiting, placement);
    }

    /** This answer with the latest report of each database's change pipeline, while the job replicates on this server. */
    public JobJson withPipeline(List<PipelineSnapshot> reports) {
        List<PipelineJson> json = reports.isEmpty() ? null : reports.stream().map(PipelineJson::of).toList();
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, health, sourceRetention, json, schema, lease, waiting, placement);
    }

    /** This answer with the last schema comparison of each database, while the job replicates. */
    public JobJson withSchema(List<dev.ferry.control.runner.SchemaStatus> compared) {
        List<SchemaJson> json = compared.isEmpty() ? null : compared.stream()
                .map(c -> new SchemaJson(c.database(), c.pending(), c.unreconcilable(), Times.instant(c.checked()))).toList();
        return new JobJson(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                state, phase, error, createTime, updateTime, startTime, endTime, duration, lag, overwriteDestination,
                reliabilityConfig, health, sourceRetention, pipeline, json, lease, waiting, placement);
    }

    private static Long boxed(java.util.OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    /** The create request for this body; {@code id} (the query parameter) wins over a name in the body. */
    public JobRequest toRequest(String id) {
        String jobName = id != null && !id.isEmpty() ? id : name;
        if (jobName == null || jobName.isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A job name is required: POST /v1/migrationJobs?migrationJobId=NAME");
        }
        if (id != null && name != null && !id.equals(name)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The body names job '%s' but migrationJobId is '%s'; send one name".formatted(name, id));
        }
        ConnectionProfile.requireValidName(jobName, "migration job");
        return new JobRequest(jobName, displayName, labels, parseType(type), source, destination, objects(),
                performance(), Boolean.TRUE.equals(overwriteDestination), reliability());
    }

    /** The patch for this body: displayName, labels, objectsConfig, performanceConfig and reliabilityConfig. */
    public JobPatch toPatch() {
        if (type != null || source != null || destination != null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "type, source and destination cannot change; create a new job instead");
        }
        return new JobPatch(displayName, labels, objects(), performance(), reliability());
    }

    private ObjectsConfig objects() {
        return objectsConfig == null ? null : new ObjectsConfig(objectsConfig.include(), objectsConfig.exclude());
    }

    private ReliabilityConfig reliability() {
        return reliabilityConfig == null ? null : reliabilityConfig.toConfig();
    }

    private PerformanceConfig performance() {
        return performanceConfig == null ? null : performanceConfig.toConfig();
    }

    /** {@code ONE_TIME} or {@code CONTINUOUS}, also accepted as {@code one-time} / {@code continuous}. */
    static JobType parseType(String text) {
        if (text == null || text.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A job type is required: ONE_TIME or CONTINUOUS");
        }
        try {
            return JobType.valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Unknown job type '%s'; use ONE_TIME or CONTINUOUS".formatted(text), e);
        }
    }
}
