package dev.ferry.core.model;

/** Where one migrated table stands. */
public enum ObjectState {
    PENDING,
    COPYING,
    COPIED,
    FAILED,
    SKIPPED
}
