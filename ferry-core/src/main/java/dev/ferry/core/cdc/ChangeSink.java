package dev.ferry.core.cdc;

import java.util.Collection;
import java.util.List;

/**
 * One apply session on the destination (one partition): an open transaction that batches of changes share until
 * {@link #commit} writes the partition's {@link Mark} in it. Used by one thread at a time.
 *
 * @param <P> the engine's position type
 * @param <C> the engine's row change type
 */
public interface ChangeSink<P, C extends RowChange> extends AutoCloseable {
    /**
     * Applies one batch's net changes, set-based: per table its deletes, then its inserts, then its updates (each key
     * at most once among them), then the changes of tables without a usable key in source order. Returns false,
     * having applied part of them or none, when the destination did not take them as they are (a row count that does
     * not match, a unique constraint that objects): the pipeline then rolls back and calls {@link #applyInOrder}.
     */
    boolean applyNet(List<NetChanges.TableChanges<C>> tables);

    /** Applies changes one by one in source order, each checked against the destination (divergence is found here). */
    void applyInOrder(List<C> changes);

    /**
     * Applies a barrier's work alone in the open transaction (or, for work that commits by itself such as DDL, as the
     * engine must) and commits {@code mark} for every partition in {@code partitions}.
     */
    void barrier(Object work, Mark<P> mark, Collection<Integer> partitions);

    /** Writes {@code mark} as the position of each of {@code partitions} and commits the open transaction. */
    void commit(Mark<P> mark, Collection<Integer> partitions);

    /** Rolls back the open transaction and forgets what was queued in it. */
    void rollback();

    @Override
    void close();
}
