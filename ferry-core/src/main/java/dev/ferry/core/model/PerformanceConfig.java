package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;

/**
 * How hard a job works. {@code parallelism} (the full load's copy sessions) null or 0 means "derive from the cores
 * available"; so does {@code applyPartitions} (the destination sessions that apply replicated changes in parallel).
 * {@code analyze} (default true): the full load ends by gathering the planner's statistics of every table it copied
 * on the destination, so the destination does not start on bad plans.
 */
public record PerformanceConfig(Integer parallelism, Integer applyPartitions, Boolean analyze) {
    public static final PerformanceConfig DEFAULT = new PerformanceConfig(null, null);
    public static final int MAX_APPLY_PARTITIONS = 64;
    public static final int MAX_PARALLELISM = 256;

    /** Only the full load's parallelism set. */
    public PerformanceConfig(Integer parallelism) {
        this(parallelism, null);
    }

    /** Parallelism and apply partitions; {@code analyze} left to its default. */
    public PerformanceConfig(Integer parallelism, Integer applyPartitions) {
        this(parallelism, applyPartitions, null);
    }

    public boolean effectiveAnalyze() {
        return analyze == null || analyze;
    }

    public PerformanceConfig {
        if (applyPartitions != null && (applyPartitions < 0 || applyPartitions > MAX_APPLY_PARTITIONS)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("applyPartitions %d is out of range; use 1 to %d (or leave it "
                    + "unset for a default)").formatted(applyPartitions, MAX_APPLY_PARTITIONS));
        }
        if (parallelism != null && (parallelism < 0 || parallelism > MAX_PARALLELISM)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "parallelism %d is out of range; use 1 to %d (or leave it unset "
                    + "for a default)".formatted(parallelism, MAX_PARALLELISM));
        }
    }

    /** The parallelism to use: the configured one, else twice the available cores (at least 2, at most 16). */
    public int effectiveParallelism(int availableCores) {
        if (parallelism != null && parallelism > 0) {
            return parallelism;
        }
        return Math.max(2, Math.min(16, availableCores * 2));
    }

    /** The apply partitions to use: the configured number, else {@link #defaultApplyPartitions}. */
    public int effectiveApplyPartitions(int availableCores) {
        return applyPartitions != null && applyPartitions > 0 ? applyPartitions : defaultApplyPartitions(availableCores);
    }

    /** Twice the cores, at least 2 and at most 8: applying waits on the destination as much as it computes. */
    public static int defaultApplyPartitions(int availableCores) {
        return Math.max(2, Math.min(8, availableCores * 2));
    }
}
