package dev.ferry.core.model;

/** Where one migrated table stands. */
public enum ObjectState {
    PENDING,
    COPYING,
    /**
     * The copy gave way to another session waiting on the source (a DDL) and starts again from a new
     * consistent point once that session is through.
     */
    YIELDED,
    COPIED,
    FAILED,
    SKIPPED
}
