package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.ReliabilityConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The job settings that protect the source and ride through faults, shared by {@code migration-jobs create}
 * and {@code migrate}. Unset options keep the defaults of {@link ReliabilityConfig}.
 */
public final class ReliabilityOptions {
    @Option(names = "--fault-budget", paramLabel = "DURATION",
            description = "Total time the job may spend retrying transient faults (restarts, network loss) before it fails (default 15m)")
    String faultBudget;

    @Option(names = "--stall-timeout", paramLabel = "DURATION",
            description = "A database connection that moves nothing for this long counts as cut (default 60s)")
    String stallTimeout;

    @Option(names = "--lock-wait", paramLabel = "DURATION",
            description = "How long a source session may wait on Ferry's lock before Ferry gives way, and how long Ferry waits for others' locks (default 2s)")
    String lockWait;

    @Option(names = "--no-yield-to-ddl",
            description = "Keep one consistent point for every table: a DDL waiting on a table's copy waits until it ends (reported as a WARNING)")
    boolean noYieldToDdl;

    @Option(names = "--on-divergence", paramLabel = "fail|record",
            description = "A replicated change that does not fit the destination: fail the job (default) or record it and go on")
    String onDivergence;

    @Option(names = "--max-source-connections", paramLabel = "N", description = "Cap on Ferry's sessions on the source server")
    Integer maxSourceConnections;

    @Option(names = "--max-read-rate", paramLabel = "BYTES_PER_SECOND", description = "Cap on how fast the full load reads the source")
    Long maxReadRate;

    @Option(names = "--capture-ddl",
            description = "PostgreSQL, continuous jobs: record each DDL statement on the source with an event trigger "
                    + "(needs a superuser) and replay it exactly on the destination")
    boolean captureDdl;

    @Option(names = "--keep-dropped-columns",
            description = "PostgreSQL, continuous jobs: a column the source drops during replication stays on the destination "
                    + "(without NOT NULL) instead of being dropped there too")
    boolean keepDroppedColumns;

    @Option(names = "--validation", paramLabel = "none|data|full",
            description = "One-time jobs: validate the rows (data) or the rows and the schema (full) once the job completes (default none)")
    String validation;

    @Option(names = "--validate-on-promote",
            description = "Continuous jobs: promotion validates the data before the destination is made writable, and refuses on a difference")
    boolean validateOnPromote;

    @Option(names = "--max-validation-rate", paramLabel = "ROWS_PER_SECOND",
            description = "Cap on how fast validation hashes rows on each server (default: unthrottled)")
    Long maxValidationRate;

    /** The settings the options name (checked now, so a typo fails before anything is created). */
    public ReliabilityConfig toConfig() {
        DivergencePolicy policy = null;
        if (onDivergence != null) {
            try {
                policy = DivergencePolicy.valueOf(onDivergence.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                        "--on-divergence '%s' is not known; use fail or record".formatted(onDivergence), e);
            }
        }
        return new ReliabilityConfig(ReliabilityConfig.parseDuration("--fault-budget", faultBudget),
                ReliabilityConfig.parseDuration("--stall-timeout", stallTimeout), noYieldToDdl ? Boolean.FALSE : null,
                ReliabilityConfig.parseDuration("--lock-wait", lockWait), policy, maxSourceConnections, maxReadRate,
                captureDdl ? Boolean.TRUE : null, keepDroppedColumns ? Boolean.TRUE : null,
                dev.ferry.core.model.ValidationMode.parse("--validation", validation),
                validateOnPromote ? Boolean.TRUE : null, maxValidationRate);
    }

    /** Writes the options that were given into a job body's {@code reliabilityConfig}. */
    void putInto(ObjectNode body) {
        ReliabilityConfig config = toConfig();
        ObjectNode node = body.putObject("reliabilityConfig");
        if (config.faultBudget() != null) {
            node.put("faultBudget", ReliabilityConfig.formatDuration(config.faultBudget()));
        }
        if (config.stallTimeout() != null) {
            node.put("stallTimeout", ReliabilityConfig.formatDuration(config.stallTimeout()));
        }
        if (config.lockWait() != null) {
            node.put("lockWait", ReliabilityConfig.formatDuration(config.lockWait()));
        }
        if (config.yieldToDdl() != null) {
            node.put("yieldToDdl", config.yieldToDdl());
        }
        if (config.onDivergence() != null) {
            node.put("onDivergence", config.onDivergence().name());
        }
        if (config.maxSourceConnections() != null) {
            node.put("maxSourceConnections", config.maxSourceConnections());
        }
        if (config.readBytesPerSecond() != null) {
            node.put("readBytesPerSecond", config.readBytesPerSecond());
        }
        if (config.captureDdl() != null) {
            node.put("captureDdl", config.captureDdl());
        }
        if (config.keepDroppedColumns() != null) {
            node.put("keepDroppedColumns", config.keepDroppedColumns());
        }
        if (config.validation() != null) {
            node.put("validation", config.validation().name().toLowerCase(Locale.ROOT));
        }
        if (config.validateOnPromote() != null) {
            node.put("validateOnPromote", config.validateOnPromote());
        }
        if (config.validationRowsPerSecond() != null) {
            node.put("validationRowsPerSecond", config.validationRowsPerSecond());
        }
    }
}
