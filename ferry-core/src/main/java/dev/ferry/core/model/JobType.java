package dev.ferry.core.model;

/** ONE_TIME: dump and load, then done. CONTINUOUS: dump and load, then replicate changes until promoted. */
public enum JobType {
    ONE_TIME,
    CONTINUOUS
}
