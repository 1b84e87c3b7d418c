package dev.ferry.core.model;

/** Where a running job is in its work. */
public enum Phase {
    FULL_DUMP,
    CDC,
    READY_FOR_PROMOTE,
    PROMOTE_IN_PROGRESS
}
