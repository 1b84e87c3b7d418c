package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a job protects the source and rides through faults. Null fields take the defaults below, so a job
 * stored before these settings existed behaves like a new one.
 *
 * <ul>
 *   <li>{@code faultBudget} (15 min): how long, in total, the job may spend retrying transient faults
 *       (restarts, network loss, failover, deadlocks) before it fails with the last error;</li>
 *   <li>{@code stallTimeout} (60 s): a connection that moves nothing for this long is treated as cut;</li>
 *   <li>{@code yieldToDdl} (true): when another session waits for a lock Ferry holds on the source, Ferry
 *       ends its hold and copies that table again later; false keeps one consistent point for every table
 *       and reports the waiting session as a WARNING instead;</li>
 *   <li>{@code lockWait} (2 s): how long another session may wait on Ferry before Ferry yields, and how
 *       long Ferry's own statements wait for someone else's lock;</li>
 *   <li>{@code onDivergence} (FAIL): see {@link DivergencePolicy};</li>
 *   <li>{@code maxSourceConnections} (unset: the parallelism decides): a cap on Ferry's sessions per
 *       source server;</li>
 *   <li>{@code readBytesPerSecond} (unset: unthrottled): a cap on how fast the full load reads the
 *       source;</li>
 *   <li>{@code captureDdl} (false): a continuous PostgreSQL job records each DDL statement on the source with an
 *       event trigger (which needs a superuser) and replays it on the destination at its place in the change
 *       stream, instead of inferring schema changes from the stream and the catalog.</li>
 *   <li>{@code keepDroppedColumns} (false): a column the source drops while a PostgreSQL job replicates stays on the
 *       destination (it only loses NOT NULL) instead of being dropped there too.</li>
 *   <li>{@code validation} (NONE): what a one-time job validates after it completes (see {@link ValidationMode});</li>
 *   <li>{@code validateOnPromote} (false): promotion validates the data before the destination is made writable
 *       and refuses on a difference, as {@code promote --validate} does;</li>
 *   <li>{@code validationRowsPerSecond} (unset: unthrottled): a cap on how fast validation hashes rows, on each side.</li>
 * </ul>
 */
public record ReliabilityConfig(
        Duration faultBudget,
        Duration stallTimeout,
        Boolean yieldToDdl,
        Duration lockWait,
        DivergencePolicy onDivergence,
        Integer maxSourceConnections,
        Long readBytesPerSecond,
        Boolean captureDdl,
        Boolean keepDroppedColumns,
        ValidationMode validation,
        Boolean validateOnPromote,
        Long validationRowsPerSecond) {

    public static final ReliabilityConfig DEFAULT = new ReliabilityConfig(null, null, null, null, null, null, null, null);

    public static final Duration DEFAULT_FAULT_BUDGET = Duration.ofMinutes(15);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(2);

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    public ReliabilityConfig {
        requireRange("faultBudget", faultBudget, Duration.ZERO, Duration.ofDays(7));
        requireRange("stallTimeout", stallTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        requireRange("lockWait", lockWait, Duration.ofMillis(10), Duration.ofMinutes(10));
        if (maxSourceConnections != null && (maxSourceConnections < 1 || maxSourceConnections > 1000)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "maxSourceConnections %d is out of range; use 1 to 1000 (or leave it unset)".formatted(maxSourceConnections));
        }
        if (readBytesPerSecond != null && readBytesPerSecond < 1024) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "readBytesPerSecond %d is too small; use at least 1024 (or leave it unset for no throttle)"
                            .formatted(readBytesPerSecond));
        }
        if (validationRowsPerSecond != null && validationRowsPerSecond < 1000) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "validationRowsPerSecond %d is too small; use at least 1000 (or leave it unset for no throttle)"
                            .formatted(validationRowsPerSecond));
        }
    }

    /** The settings without the validation ones (left unset). */
    public ReliabilityConfig(Duration faultBudget, Duration stallTimeout, Boolean yieldToDdl, Duration lockWait,
            DivergencePolicy onDivergence, Integer maxSourceConnections, Long readBytesPerSecond, Boolean captureDdl,
            Boolean keepDroppedColumns) {
        this(faultBudget, stallTimeout, yieldToDdl, lockWait, onDivergence, maxSourceConnections, readBytesPerSecond,
                captureDdl, keepDroppedColumns, null, null, null);
    }

    /** The settings without {@code keepDroppedColumns} (left unset). */
    public ReliabilityConfig(Duration faultBudget, Duration stallTimeout, Boolean yieldToDdl, Duration lockWait,
            DivergencePolicy onDivergence, Integer maxSourceConnections, Long readBytesPerSecond, Boolean captureDdl) {
        this(faultBudget, stallTimeout, yieldToDdl, lockWait, onDivergence, maxSourceConnections, readBytesPerSecond,
                captureDdl, null);
    }

    /** The settings without {@code captureDdl} and {@code keepDroppedColumns} (left unset). */
    public ReliabilityConfig(Duration faultBudget, Duration stallTimeout, Boolean yieldToDdl, Duration lockWait,
            DivergencePolicy onDivergence, Integer maxSourceConnections, Long readBytesPerSecond) {
        this(faultBudget, stallTimeout, yieldToDdl, lockWait, onDivergence, maxSourceConnections, readBytesPerSecond, null);
    }

    public Duration effectiveFaultBudget() {
        return faultBudget == null ? DEFAULT_FAULT_BUDGET : faultBudget;
    }

    public Duration effectiveStallTimeout() {
        return stallTimeout == null ? DEFAULT_STALL_TIMEOUT : stallTimeout;
    }

    public boolean effectiveYieldToDdl() {
        return yieldToDdl == null || yieldToDdl;
    }

    public boolean effectiveCaptureDdl() {
        return captureDdl != null && captureDdl;
    }

    public boolean effectiveKeepDroppedColumns() {
        return keepDroppedColumns != null && keepDroppedColumns;
    }

    public ValidationMode effectiveValidation() {
        return validation == null ? ValidationMode.NONE : validation;
    }

    public boolean effectiveValidateOnPromote() {
        return validateOnPromote != null && validateOnPromote;
    }

    public Duration effectiveLockWait() {
        return lockWait == null ? DEFAULT_LOCK_WAIT : lockWait;
    }

    public DivergencePolicy effectiveOnDivergence() {
        return onDivergence == null ? DivergencePolicy.FAIL : onDivergence;
    }

    /** This config with every non-null field of {@code patch} taking over. */
    public ReliabilityConfig merge(ReliabilityConfig patch) {
        if (patch == null) {
            return this;
        }
        return new ReliabilityConfig(
                patch.faultBudget != null ? patch.faultBudget : faultBudget,
                patch.stallTimeout != null ? patch.stallTimeout : stallTimeout,
                patch.yieldToDdl != null ? patch.yieldToDdl : yieldToDdl,
                patch.lockWait != null ? patch.lockWait : lockWait,
                patch.onDivergence != null ? patch.onDivergence : onDivergence,
                patch.maxSourceConnections != null ? patch.maxSourceConnections : maxSourceConnections,
                patch.readBytesPerSecond != null ? patch.readBytesPerSecond : readBytesPerSecond,
                patch.captureDdl != null ? patch.captureDdl : captureDdl,
                patch.keepDroppedColumns != null ? patch.keepDroppedColumns : keepDroppedColumns,
                patch.validation != null ? patch.validation : validation,
                patch.validateOnPromote != null ? patch.validateOnPromote : validateOnPromote,
                patch.validationRowsPerSecond != null ? patch.validationRowsPerSecond : validationRowsPerSecond);
    }

    /**
     * A duration written as {@code 900ms}, {@code 2s}, {@code 15m}, {@code 1h}, {@code 30d} or ISO-8601 ({@code PT15M});
     * null for null or blank. {@code field} names the setting in the error.
     */
    public static Duration parseDuration(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            long millis = switch (m.group(2)) {
                case "ms" -> Math.round(amount);
                case "s" -> Math.round(amount * 1000);
                case "m" -> Math.round(amount * 60_000);
                case "h" -> Math.round(amount * 3_600_000);
                default -> Math.round(amount * 86_400_000);
            };
            return Duration.ofMillis(millis);
        }
        try {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s '%s' is not a duration; write it like 500ms, 2s, 15m, 1h or 30d".formatted(field, text), e);
        }
    }

    /** The short form {@link #parseDuration} reads: whole hours, minutes or seconds when exact, else ms. */
    public static String formatDuration(Duration d) {
        if (d == null) {
            return null;
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static void requireRange(String field, Duration value, Duration min, Duration max) {
        if (value != null && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "%s %s is out of range; use %s to %s"
                    .formatted(field, formatDuration(value), formatDuration(min), formatDuration(max)));
        }
    }
}
