package dev.ferry.core.spi.engine;

/**
 * Receives copy progress while a table streams. Called from the copying thread, at most a few times
 * a second, with the totals so far for the table; must not block.
 */
@FunctionalInterface
public interface CopyProgress {
    CopyProgress NONE = (rows, bytes) -> { };

    void copied(long rowsSoFar, long bytesSoFar);
}
