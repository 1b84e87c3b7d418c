package dev.ferry.it;

import dev.ferry.control.ControlPlane;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.control.runner.JobLeases;
import dev.ferry.control.runner.Runners;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;

/** One Ferry server in this JVM: its own home (with the key file every node shares), its store, its control plane. */
record StoreNode(String name, Path home, JdbcStore store, ControlPlane control) {
    /**
     * A node sharing the PostgreSQL store {@code storeDb}, running at most 4 jobs, with {@code key} (the first node's
     * key file; null for the first node) copied into its home. Recovered and taking jobs.
     */
    static StoreNode shared(String name, TestDatabase storeDb, Path key, Duration leaseTimeout) throws Exception {
        Path home = Files.createTempDirectory("ferry-node-" + name);
        if (key != null) {
            Files.copy(key, home.resolve("secret.key"), StandardCopyOption.COPY_ATTRIBUTES);
        }
        DatabaseConnection c = storeDb.connection();
        JdbcStore store = JdbcStore.open(new StoreConfig(home, storeDb.jdbcUrl(), c.username(), c.password()));
        var settings = new JobLeases.Settings(name, "http://127.0.0.1:0", "test", leaseTimeout, 4);
        var control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC(),
                new Runners.Cluster(settings, store.openSidePool("ferry-leases-" + name, 5)));
        control.recover();
        return new StoreNode(name, home, store, control);
    }

    void close() {
        control.close();
        store.close();
    }
}
