package dev.ferry.provisioner.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the local provisioner keeps things and how long it waits. {@code home} is Ferry's home (instances
 * live in {@code home/instances/NAME}); {@code cacheDir} keeps downloaded server binaries;
 * {@code mavenRepository} is where PostgreSQL binaries missing from the machine are fetched;
 * {@code startTimeout} bounds each start and stop; {@code tls} gives instances TLS with a certificate from
 * the CA in {@code home/tls} (on unless turned off, which only tests of clients meeting a server without TLS do).
 */
public record LocalSettings(Path home, Path cacheDir, URI mavenRepository, Duration startTimeout, boolean tls) {
    public static final URI MAVEN_CENTRAL = URI.create("https://repo1.maven.org/maven2/");

    public LocalSettings {
        home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
        cacheDir = (cacheDir == null ? home.resolve("cache") : cacheDir).toAbsolutePath().normalize();
        mavenRepository = mavenRepository == null ? MAVEN_CENTRAL : mavenRepository;
        startTimeout = startTimeout == null ? Duration.ofSeconds(90) : startTimeout;
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive");
        }
    }

    public LocalSettings(Path home, Path cacheDir, URI mavenRepository, Duration startTimeout) {
        this(home, cacheDir, mavenRepository, startTimeout, true);
    }

    /** Defaults under {@code home}: cache in {@code home/cache}, Maven Central, 90 s per start. */
    public static LocalSettings of(Path home) {
        return new LocalSettings(home, null, null, null);
    }

    public LocalSettings withCacheDir(Path dir) {
        return new LocalSettings(home, dir, mavenRepository, startTimeout, tls);
    }

    /** These settings with instances that get no TLS: for tests of clients that meet a server without it. */
    public LocalSettings withoutTls() {
        return new LocalSettings(home, cacheDir, mavenRepository, startTimeout, false);
    }

    /** Where the CA of managed instances lives. */
    public Path tlsDir() {
        return home.resolve("tls");
    }

    public Path instancesDir() {
        return home.resolve("instances");
    }
}
