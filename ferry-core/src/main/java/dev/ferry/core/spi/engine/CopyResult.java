package dev.ferry.core.spi.engine;

import dev.ferry.core.model.Position;
import java.util.Optional;

/**
 * What a finished table copy moved: exact rows and bytes of data as transferred. {@code readAt} is the
 * replication position of the consistent point the rows were read at when it differs from the snapshot's
 * own (the copy yielded to another session and read the table again from a new point); null otherwise.
 */
public record CopyResult(long rows, long bytes, Position readAt) {
    public CopyResult(long rows, long bytes) {
        this(rows, bytes, null);
    }

    /** The position the rows were read at, when the copy read them at another point than its snapshot's. */
    public Optional<Position> readPosition() {
        return Optional.ofNullable(readAt);
    }
}
