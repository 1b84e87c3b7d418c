package dev.ferry.core.spi.provision;

import java.util.List;
import java.util.Optional;

/**
 * Creates and runs database instances. Methods block until the instance is in the asked state (a
 * started server accepts connections). Failures a user can fix throw
 * {@link dev.ferry.core.FerryException}: {@code ALREADY_EXISTS}, {@code NOT_FOUND},
 * {@code FAILED_PRECONDITION} (for example a missing server binary, naming the package to install).
 * Thread-safe.
 */
public interface Provisioner {
    /**
     * Refuses, with INVALID_ARGUMENT naming the offending setting, a spec this provisioner would not create
     * (a flag outside its allowlist, say), without side effects; {@link #create} checks the same.
     */
    default void check(InstanceSpec spec) {}

    /** Creates, configures and starts a new instance; its endpoint carries the superuser password. */
    Instance create(InstanceSpec spec);

    /** Starts a stopped instance (no-op when running). */
    Instance start(String name);

    /** Stops a running instance (no-op when stopped). */
    void stop(String name);

    /** The instance's current state, or empty when no such instance exists. */
    Optional<Instance> status(String name);

    /** All instances this provisioner keeps. */
    List<Instance> list();

    /** Stops the instance and deletes its data directory. */
    void delete(String name);
}
