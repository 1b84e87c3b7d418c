package dev.ferry.engine.postgres.snapshot;

/**
 * When a table is copied in ranges and how many sessions work on one table: tables larger than
 * {@code splitBytes} are cut into ranges of about that size, copied by up to {@code parallelism}
 * session pairs at once (a table is never split for fewer than two).
 */
record SplitSettings(long splitBytes, int parallelism) {
    /** The system property that overrides {@link #DEFAULT_SPLIT_BYTES} (bytes). */
    static final String PROPERTY = "ferry.pg.splitBytes";
    static final long DEFAULT_SPLIT_BYTES = 256L * 1024 * 1024;

    SplitSettings {
        if (splitBytes <= 0) {
            throw new IllegalArgumentException("splitBytes must be positive: " + splitBytes);
        }
        parallelism = Math.max(1, parallelism);
    }

    /** The defaults, or the property when set. */
    static SplitSettings of(int parallelism) {
        String configured = System.getProperty(PROPERTY);
        long bytes = configured == null || configured.isBlank() ? DEFAULT_SPLIT_BYTES : Long.parseLong(configured.strip());
        return new SplitSettings(bytes, parallelism);
    }

    boolean splits(long tableBytes) {
        return parallelism >= 2 && tableBytes > splitBytes;
    }
}
