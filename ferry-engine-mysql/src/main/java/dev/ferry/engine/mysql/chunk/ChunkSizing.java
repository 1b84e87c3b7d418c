package dev.ferry.engine.mysql.chunk;

/**
 * How large the chunks of a table are: enough of them to keep the workers busy, none over {@code maxRows} rows or
 * about {@code maxBytes} bytes (from the table's average row size), none under {@code minRows} rows, and at most
 * {@code maxChunks} per table. Immutable.
 */
public record ChunkSizing(long minRows, long maxRows, long maxBytes, int maxChunks) {
    /**
     * Chunks of at most 32 MiB: one LOAD DATA statement each (a modest transaction), a few seconds of work, and
     * small enough that an interrupted copy loses little.
     */
    public static final ChunkSizing DEFAULT = new ChunkSizing(20_000, 500_000, 32L * 1024 * 1024, 4096);

    public ChunkSizing {
        if (minRows < 1 || maxRows < minRows || maxBytes < 1 || maxChunks < 1) {
            throw new IllegalArgumentException("chunk sizes must be positive, with minRows <= maxRows");
        }
    }

    /** Rows per chunk for a table with these estimates (0 when unknown) copied by {@code workers} connections. */
    public long rowsPerChunk(long estimatedRows, long estimatedBytes, int workers) {
        long cap = maxRows;
        if (estimatedRows > 0 && estimatedBytes > 0) {
            long rowBytes = Math.max(1, estimatedBytes / estimatedRows);
            cap = Math.min(cap, Math.max(1, maxBytes / rowBytes));
        }
        long perWorker = estimatedRows > 0 ? (estimatedRows + workers - 1) / Math.max(1, workers) : cap;
        return Math.max(minRows, Math.min(cap, perWorker));
    }
}
