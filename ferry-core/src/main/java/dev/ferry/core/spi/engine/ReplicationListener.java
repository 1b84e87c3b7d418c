package dev.ferry.core.spi.engine;

import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Receives what a running {@link Replication} does. Called from the replication's thread; must not
 * block for long.
 */
public interface ReplicationListener {
    /**
     * A destination transaction committed: everything up to {@code position} is durably applied;
     * {@code sourceCommitTime} is the source commit time of the last transaction it held; {@code rows}
     * counts the rows changed per table in it.
     */
    void applied(Position position, Instant sourceCommitTime, Map<TableRef, Long> rows);

    /**
     * About once a second, also when idle: how far the destination is behind. {@code lag} is zero when
     * idle and caught up; {@code bytes} is the source log position minus the applied position.
     */
    void lag(Duration lag, long bytes);

    /**
     * Between transactions with nothing left to apply: every source change before {@code position} is applied,
     * although no destination transaction recorded it (an idle stream moved on). Never called for a position whose
     * changes are still on their way.
     */
    default void caughtUp(Position position) {
    }

    /** A change that cannot be applied faithfully and was counted, not applied (never silently dropped). */
    void unsupported(TableRef table, String what);

    /**
     * A transient fault interrupted streaming or applying; the replication retries after {@code retryIn}
     * ({@code attempt} counts from 1 for this fault). The error text has no secrets.
     */
    default void faulted(int attempt, String error, Duration retryIn) {}

    /** Streaming and applying work again after {@link #faulted}. */
    default void recovered() {}

    /**
     * A change that did not fit the destination (see {@code DivergencePolicy.RECORD}) was recorded and
     * replication went on; {@code detail} names the key and the source position.
     */
    default void diverged(TableRef table, String detail) {}

    /**
     * Something the user should know that changes nothing on the destination, for example a DDL statement
     * on objects the job does not select that was not replayed, or a trigger left for promotion.
     */
    default void notice(String message) {
    }

    /**
     * A change of {@code table}'s row with {@code key} (the engine's key of the row, see
     * {@link dev.ferry.core.cdc.RowChange#key()}) is on its way to the destination. {@code key} null means any row of
     * the table may change, {@code table} null any table of the database (schema work, a table copied again). Called
     * on the pipeline's thread for every change: must be cheap.
     */
    default void changing(TableRef table, Object key) {
    }

    /** About once a second while the change pipeline runs: its queue, rates, compaction and partitions. */
    default void pipeline(dev.ferry.core.cdc.PipelineStats stats) {
    }
}
