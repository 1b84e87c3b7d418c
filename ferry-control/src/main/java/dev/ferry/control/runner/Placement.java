package dev.ferry.control.runner;

import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.store.Store;
import java.util.Optional;

/**
 * Where a job may run when several nodes share the store: anywhere, unless its source or destination is a managed
 * instance that one node created (only that node's provisioner supervises it, on that node's host), in which case
 * only that node. Such a job cannot move to another node, by drain or when that node dies.
 */
public final class Placement {
    private final Store store;

    public Placement(Store store) {
        this.store = store;
    }

    /** The one node a job must run on, and why. */
    public record Pin(String node, String profile, String side) {
        /** For describe: why the job runs on that node only. */
        public String explanation() {
            return ("The job can run only on node %s: its %s %s is a managed instance that node created and supervises. "
                    + "It does not move to another node when drained, and cannot fail over if %s dies")
                    .formatted(node, side, profile, node);
        }
    }

    /** The node the job must run on, when its source or destination is a managed instance a node recorded as its own. */
    public Optional<Pin> pin(MigrationJob job) {
        return pin(job.destination(), "destination").or(() -> pin(job.source(), "source"));
    }

    /** The node the named job must run on (empty for a job that no longer exists). */
    public Optional<Pin> pin(String job) {
        return store.findJob(job).flatMap(this::pin);
    }

    private Optional<Pin> pin(String profile, String side) {
        if (profile == null) {
            return Optional.empty();
        }
        return store.findProfile(profile).filter(p -> p.spec() instanceof ManagedInstance)
                .flatMap(p -> store.instanceNode(profile)).map(node -> new Pin(node, profile, side));
    }
}
