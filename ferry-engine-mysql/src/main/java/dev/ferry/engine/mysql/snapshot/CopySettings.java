package dev.ferry.engine.mysql.snapshot;

import dev.ferry.engine.mysql.chunk.ChunkSizing;
import dev.ferry.engine.mysql.copy.LoadSession;
import dev.ferry.engine.mysql.copy.LoadTarget;
import java.time.Clock;

/**
 * How an engine copies rows: the clock for progress, the chunk sizes, whether loads may skip the destination's
 * binary log, and how rows are loaded: the preferred {@link LoadTarget.Method}, where the destination has it (see
 * {@link LoadSession}). Immutable.
 */
public record CopySettings(Clock clock, ChunkSizing sizing, LoadSession.BinlogPolicy binlog, LoadTarget.Method load) {
    public CopySettings {
        if (clock == null || sizing == null || binlog == null || load == null) {
            throw new IllegalArgumentException("clock, sizing, binlog policy and load method are required");
        }
    }

    public static CopySettings defaults(Clock clock) {
        return new CopySettings(clock, ChunkSizing.DEFAULT, LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, LoadTarget.Method.BULK_INSERT);
    }
}
