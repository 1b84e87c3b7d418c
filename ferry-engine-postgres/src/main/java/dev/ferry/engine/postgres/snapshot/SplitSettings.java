package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;

/**
 * When a table is copied in ranges and how many sessions work on one table: tables larger than
 * {@code splitBytes} are cut into ranges of about that size, copied by up to {@code parallelism}
 * session pairs at once (a table is never split for fewer than two). Smaller tables move in one COPY
 * with FREEZE, which measured as fast on two cores and spares the destination a later freezing vacuum.
 */
record SplitSettings(long splitBytes, int parallelism) {
    /** The system property that overrides {@link #DEFAULT_SPLIT_BYTES} (bytes). */
    static final String PROPERTY = "ferry.pg.splitBytes";
    static final long DEFAULT_SPLIT_BYTES = 1024L * 1024 * 1024;

    SplitSettings {
        if (splitBytes <= 0) {
            throw new IllegalArgumentException("splitBytes must be positive: " + splitBytes);
        }
        parallelism = Math.max(1, parallelism);
    }

    /** The defaults, or the property when set. */
    static SplitSettings of(int parallelism) {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            return new SplitSettings(DEFAULT_SPLIT_BYTES, parallelism);
        }
        try {
            return new SplitSettings(Long.parseLong(configured.strip()), parallelism);
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("System property %s is '%s'; set it to a positive "
                    + "number of bytes or remove it").formatted(PROPERTY, configured), e);
        }
    }

    boolean splits(long tableBytes) {
        return parallelism >= 2 && tableBytes > splitBytes;
    }
}
