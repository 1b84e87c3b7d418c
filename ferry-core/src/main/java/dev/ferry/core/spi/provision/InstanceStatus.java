package dev.ferry.core.spi.provision;

/** Whether an instance's server process is up. */
public enum InstanceStatus {
    RUNNING,
    STOPPED,
    MISSING
}
