package dev.ferry.core.cdc;

import java.util.Map;

/**
 * The destination side of an engine's replication: the positions its partitions recorded, and apply sessions.
 *
 * @param <P> the engine's position type
 * @param <C> the engine's row change type
 */
public interface ChangeSinks<P, C extends RowChange> {
    /** The recorded position of each partition that has one, by partition number, read now. */
    Map<Integer, Mark<P>> recorded();

    /** Opens the apply session of {@code partition}. */
    ChangeSink<P, C> open(int partition);

    /** Removes the recorded positions of partitions {@code from} and above (their number shrank). */
    void retire(int from);
}
