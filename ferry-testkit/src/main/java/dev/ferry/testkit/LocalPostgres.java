package dev.ferry.testkit;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL server for tests, shared by every test class of the JVM that asks for the same key, with
 * replication-ready settings ({@code wal_level=logical}, 20 slots and WAL senders) and durability off for
 * speed. Started on first use (at the latest before the class's first test), stopped and deleted at JVM
 * exit. Use as {@code @RegisterExtension static final LocalPostgres pg = LocalPostgres.shared();}.
 * Thread-safe.
 */
public final class LocalPostgres implements BeforeAllCallback, BeforeEachCallback {
    static final Map<String, String> FLAGS = Map.of(
            "wal_level", "logical",
            "max_replication_slots", "20",
            "max_wal_senders", "20",
            "fsync", "off",
            "synchronous_commit", "off",
            "full_page_writes", "off");

    private final ServerHandle server;

    private LocalPostgres(String name, String version) {
        this.server = new ServerHandle(new InstanceSpec(name, EngineKind.POSTGRESQL, version, null, FLAGS, null));
    }

    /** The JVM's default PostgreSQL server (the newest major installed on the machine). */
    public static LocalPostgres shared() {
        return new LocalPostgres("pg", null);
    }

    /** A separate server per {@code key}, such as {@code "destination"}. */
    public static LocalPostgres shared(String key) {
        return new LocalPostgres(TestServers.instanceName("pg", key), null);
    }

    /**
     * A server of another major, such as {@code "16"}: the machine's binaries when installed, else
     * binaries downloaded from Maven Central (cached across runs).
     */
    public static LocalPostgres sharedVersion(String major) {
        return new LocalPostgres(TestServers.instanceName("pg-v", major), major);
    }

    /** The superuser {@code postgres} with its password, database {@code postgres}. */
    public DatabaseConnection superuser() {
        return server.superuser("postgres");
    }

    /**
     * Stops the server (to test what happens while it is down); {@link #start()} brings it back on the same
     * port with its data. Use a server of its own key for that: other test classes share the default one.
     */
    public void stop() {
        server.stop();
    }

    /** Starts the server stopped by {@link #stop()} again. */
    public void start() {
        server.start();
    }

    public Instance instance() {
        return server.instance();
    }

    /**
     * Stops the server ({@link Shutdown#FAST}: orderly; {@link Shutdown#IMMEDIATE}: a crash) and starts it again
     * on the same port; returns once it accepts connections. Sessions open to it fail, as in production.
     */
    public void restart(Shutdown mode) {
        TestServers.get().restart(server.instance().name(), mode);
    }

    /** A new, empty, uniquely named database on this server. */
    public TestDatabase freshDatabase() {
        return server.freshDatabase("postgres");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server.instance();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.instance();
    }
}
