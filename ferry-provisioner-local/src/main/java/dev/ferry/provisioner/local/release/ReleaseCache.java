package dev.ferry.provisioner.local.release;

import dev.ferry.provisioner.local.process.RunAs;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories server releases are unpacked into, one per release named {@code PREFIX + version}: next to the
 * cached jars, or under {@code /var/lib/ferry/binaries} when the server's OS user cannot reach the cache. A release is
 * unpacked into a temporary directory and moved into place at once, so a half-unpacked one is never used. Stateless.
 */
public final class ReleaseCache {
    private static final Path SHARED_ROOT = Path.of("/var/lib/ferry/binaries");
    private static final Logger log = LoggerFactory.getLogger(ReleaseCache.class);

    /** Fills an empty directory with a release's files. */
    @FunctionalInterface
    public interface Unpacker {
        void unpack(Path into) throws IOException;
    }

    private ReleaseCache() {}

    /** Where releases for servers running as {@code osUser} are unpacked; created when missing. */
    public static Path root(Path cacheDir, String osUser) throws IOException {
        Files.createDirectories(cacheDir);
        Path root = RunAs.forServer(osUser).canReach(cacheDir) ? cacheDir : SHARED_ROOT;
        Files.createDirectories(root);
        return root;
    }

    /** The newest usable release under {@code root} named {@code prefix + version} with a version {@code wanted} accepts. */
    public static Optional<Path> newest(Path root, String prefix, Predicate<String> wanted, Predicate<Path> usable)
            throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith(prefix))
                    .filter(dir -> wanted.test(version(dir, prefix)))
                    .filter(usable)
                    .max(Comparator.comparing(dir -> MavenArtifacts.numbers(version(dir, prefix)), MavenArtifacts::compare));
        }
    }

    private static String version(Path dir, String prefix) {
        return dir.getFileName().toString().substring(prefix.length());
    }

    /** Unpacks into {@code target} unless another thread or process did so meanwhile; then {@code target} is theirs. */
    public static void unpack(Path target, Unpacker unpacker) throws IOException {
        Path temp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".part");
        try {
            unpacker.unpack(temp);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            log.atInfo().addKeyValue("dir", target).log("binaries were unpacked concurrently; using those");
        } finally {
            deleteTree(temp);
        }
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
}
