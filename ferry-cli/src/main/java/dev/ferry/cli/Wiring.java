package dev.ferry.cli;

import dev.ferry.control.ControlPlane;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.Store;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The composition root, the only class that sees every module: opens the store, loads the engines and
 * provisioners on the class path and wires the control plane. Closing stops the control plane's
 * runners, then closes the store.
 */
public final class Wiring implements AutoCloseable {
    private final Path home;
    private final Store store;
    private final ControlPlane control;
    private dev.ferry.control.retention.Retention retention;

    private Wiring(Path home, Store store, ControlPlane control) {
        this.home = home;
        this.store = store;
        this.control = control;
    }

    public static Wiring open(StoreConfig config) {
        return open(config, null);
    }

    /**
     * Wires a server; on a store several servers may share (PostgreSQL), {@code node} (this server's name, address,
     * lease timeout and capacity) makes it one node among them, each job running on the node holding its lease.
     * {@code node} is ignored with the embedded store, where one server runs every job.
     */
    public static Wiring open(StoreConfig config, dev.ferry.control.runner.JobLeases.Settings node) {
        return open(config, node, dev.ferry.control.runner.SourceBudget.Settings.UNBOUNDED);
    }

    /**
     * Wires a server as {@link #open(StoreConfig, dev.ferry.control.runner.JobLeases.Settings)} whose jobs reserve their
     * source connections within {@code budget} (this server's name and its bound on them) before they start.
     */
    public static Wiring open(StoreConfig config, dev.ferry.control.runner.JobLeases.Settings node,
            dev.ferry.control.runner.SourceBudget.Settings budget) {
        Homes.create(config.home());
        JdbcStore store = JdbcStore.open(config);
        try {
            var cluster = node == null || !config.shared() ? null
                    : new dev.ferry.control.runner.Runners.Cluster(node, store.openSidePool("ferry-leases", 5));
            var control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(config.home()),
                    Clock.systemUTC(), cluster, budget);
            return new Wiring(config.home(), store, control);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The embedded H2 store under {@code home}. */
    public static Wiring open(Path home) {
        return open(StoreConfig.embedded(home));
    }

    /** Prunes events and finished operations past {@code policy} now and every hour, until closed. */
    public synchronized void startRetention(dev.ferry.control.retention.RetentionPolicy policy) {
        if (retention == null) {
            retention = new dev.ferry.control.retention.Retention(store, policy, Clock.systemUTC());
            retention.start(java.time.Duration.ofHours(1));
        }
    }

    public ControlPlane control() {
        return control;
    }

    public Path home() {
        return home;
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                if (retention != null) {
                    retention.close();
                }
            }
            control.close();
        } finally {
            store.close();
        }
    }
}
