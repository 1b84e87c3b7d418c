package dev.ferry.engine.mysql.snapshot;

import dev.ferry.engine.mysql.chunk.ChunkSizing;
import dev.ferry.engine.mysql.copy.LoadSession;
import java.time.Clock;

/**
 * How an engine copies rows: the clock for progress, the chunk sizes, whether loads may skip the destination's
 * binary log, and whether LOAD DATA LOCAL is tried at all (false forces batched INSERTs). Immutable.
 */
public record CopySettings(Clock clock, ChunkSizing sizing, LoadSession.BinlogPolicy binlog, boolean useLoadData) {
    public CopySettings {
        if (clock == null || sizing == null || binlog == null) {
            throw new IllegalArgumentException("clock, sizing and binlog policy are required");
        }
    }

    public static CopySettings defaults(Clock clock) {
        return new CopySettings(clock, ChunkSizing.DEFAULT, LoadSession.BinlogPolicy.SKIP_WHEN_PERMITTED, true);
    }
}
