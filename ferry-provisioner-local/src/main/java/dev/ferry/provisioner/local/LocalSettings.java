package dev.ferry.provisioner.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the local provisioner keeps things and how long it waits. {@code home} is Ferry's home (instances
 * live in {@code home/instances/NAME}); {@code cacheDir} keeps downloaded server binaries;
 * {@code mavenRepository} is where PostgreSQL binaries missing from the machine are fetched;
 * {@code startTimeout} bounds each start and stop.
 */
public record LocalSettings(Path home, Path cacheDir, URI mavenRepository, Duration startTimeout) {
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

    /** Defaults under {@code home}: cache in {@code home/cache}, Maven Central, 90 s per start. */
    public static LocalSettings of(Path home) {
        return new LocalSettings(home, null, null, null);
    }

    public LocalSettings withCacheDir(Path dir) {
        return new LocalSettings(home, dir, mavenRepository, startTimeout);
    }

    public Path instancesDir() {
        return home.resolve("instances");
    }
}
