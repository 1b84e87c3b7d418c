package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;

/** How hard a job works. {@code parallelism} null or 0 means "derive from the cores available". */
public record PerformanceConfig(Integer parallelism) {
    public static final PerformanceConfig DEFAULT = new PerformanceConfig(null);

    public PerformanceConfig {
        if (parallelism != null && (parallelism < 0 || parallelism > 256)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "parallelism %d is out of range; use 1 to 256 (or leave it unset for a default)".formatted(parallelism));
        }
    }

    /** The parallelism to use: the configured one, else twice the available cores (at least 2, at most 16). */
    public int effectiveParallelism(int availableCores) {
        if (parallelism != null && parallelism > 0) {
            return parallelism;
        }
        return Math.max(2, Math.min(16, availableCores * 2));
    }
}
