package dev.ferry.core.model;

/**
 * What a continuous job does with a change that does not fit the destination: an UPDATE or DELETE that
 * matches no row, or an INSERT that hits an existing key, once the table's copy point is passed.
 */
public enum DivergencePolicy {
    /** The job fails with {@code DIVERGED}, naming the table, the key and the source position (the default). */
    FAIL,
    /** The change is recorded as a WARNING event and counted, and replication continues. */
    RECORD
}
