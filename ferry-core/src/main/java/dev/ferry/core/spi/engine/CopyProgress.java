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
}
