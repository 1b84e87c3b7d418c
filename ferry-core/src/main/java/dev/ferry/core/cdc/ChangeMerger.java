package dev.ferry.core.cdc;

/**
 * Merges two changes of one row into one with the effect of both, for compaction: an INSERT followed by an UPDATE
 * gives an INSERT of the final row, two UPDATEs give one UPDATE setting every column either set (the later value
 * wins). Returns null when the engine cannot express the two as one; the batch is then applied in source order.
 *
 * @param <C> the engine's row change type
 */
@FunctionalInterface
public interface ChangeMerger<C extends RowChange> {
    C merge(C earlier, C later);
}
