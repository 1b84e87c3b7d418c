package dev.ferry.core.model;

/** The states of a migration job, as in the API. Which verb is legal in which state is decided in control. */
public enum JobState {
    DRAFT,
    CREATING,
    NOT_STARTED,
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    RESUMING,
    RESTARTING,
    FAILED,
    COMPLETED,
    UPDATING,
    DELETING,
    DELETED;

    /** States in which a runner is (or should be) doing work for the job. */
    public boolean isActive() {
        return this == STARTING || this == RUNNING || this == RESUMING || this == RESTARTING || this == STOPPING;
    }
}
