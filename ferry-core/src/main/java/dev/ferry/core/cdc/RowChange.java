package dev.ferry.core.cdc;

import dev.ferry.core.model.TableRef;

/**
 * One decoded row change, as the pipeline sees it: the engine's own class carries the images and whatever its sink
 * needs to apply them. The pipeline reads only what it routes, compacts and measures by.
 */
public interface RowChange {
    /** What the change does to its row. */
    enum Op { INSERT, UPDATE, DELETE }

    TableRef table();

    Op op();

    /**
     * The identity of the changed row inside its table (equal keys, equal rows): the new row's key for an INSERT, the
     * old row's key for an UPDATE or DELETE. Null when the table has no key the destination can find rows by; such
     * changes are applied in source order and never compacted.
     */
    Object key();

    /** True for an UPDATE that gives the row another key: it is applied alone, all partitions drained before it. */
    boolean keyChanged();

    /**
     * True when the table's changes must stay in one partition in source order among themselves, for example because
     * the table has a unique constraint besides its key, or no key at all.
     */
    boolean wholeTable();

    /** About how many bytes of memory the change holds, for the pipeline's memory cap. */
    long bytes();
}
