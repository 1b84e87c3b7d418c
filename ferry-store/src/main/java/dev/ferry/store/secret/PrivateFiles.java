package dev.ferry.store.secret;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes Ferry's own directories owner-only however they were created: directories {@code rwx------},
 * files {@code rw-------}. Symbolic links are never followed. On a file system without POSIX
 * permissions it does nothing. Stateless and thread-safe.
 */
public final class PrivateFiles {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** Restricts {@code dir} and everything below it; returns how many entries had to change. */
    public static int restrictTree(Path dir) {
        if (!posix(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] changed = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) throws IOException {
                    changed[0] += set(d, DIRECTORY) ? 1 : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile()) {
                        changed[0] += set(f, FILE) ? 1 : 0;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot make %s readable by its owner only; check that this user owns it, or run: chmod -R go-rwx %s"
                            .formatted(dir, dir), e);
        }
        return changed[0];
    }

    /** Sets {@code path}'s permissions (such as {@code rwx------}); true when they were different. */
    public static boolean restrict(Path path, String permissions) {
        if (!posix(path)) {
            return false;
        }
        try {
            return set(path, PosixFilePermissions.fromString(permissions));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot set the permissions of %s to %s; check that this user owns it".formatted(path, permissions), e);
        }
    }

    /** The permissions of {@code path} as {@code rwxr-x---}, or null without POSIX permissions. */
    public static String permissions(Path path) {
        if (!posix(path)) {
            return null;
        }
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read the permissions of %s".formatted(path), e);
        }
    }

    private static boolean set(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(wanted)) {
            return false;
        }
        Files.setPosixFilePermissions(path, wanted);
        return true;
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
