package dev.ferry.core.spi.engine;

/**
 * Receives copy progress while a table streams. Called from the copying thread, at most a few times
 * a second, with the totals so far for the table; must not block.
 */
@FunctionalInterface
public interface CopyProgress {
    CopyProgress NONE = (rows, bytes) -> { };

    void copied(long rowsSoFar, long bytesSoFar);

    /**
     * A chunk of the table (a key range) is durably in the destination; {@code chunk} is the engine's
     * stable identifier for it, handed back in {@code chunksDone} when the copy is resumed.
     */
    default void chunkCopied(String chunk, long rows, long bytes) {}

    /**
     * Every row of the table is in the destination, committed; its indexes are built next, in the same copy. The
     * rows may be read from now on (counted, say) without waiting for the indexes. A copy that starts over after this
     * (its point gave way to another session) says it again once its new rows are in. Must not block.
     */
    default void rowsLoaded() {}

    /**
     * The copy ended its hold on the source table because another session waited for it ({@code
     * waiter} describes that session's statement, without literals); the copy starts again from a new
     * consistent point.
     */
    default void yielded(String waiter) {}

    /**
     * Another session waits for the lock this copy holds, and the job keeps one consistent point
     * ({@code yieldToDdl: false}): the waiting statement is reported, not let through.
     */
    default void blocking(String waiter) {}

    /** A transient fault interrupted the copy; it is retried after {@code retryIn}. */
    default void faulted(int attempt, String error, java.time.Duration retryIn) {}

    /** The copy works again after {@link #faulted}. */
    default void recovered() {}
}
