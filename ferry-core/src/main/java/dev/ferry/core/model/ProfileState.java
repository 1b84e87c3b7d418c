package dev.ferry.core.model;

/** Lifecycle of a connection profile (a managed instance passes through CREATING while provisioned). */
public enum ProfileState {
    CREATING,
    READY,
    FAILED,
    DELETING,
    DELETED
}
