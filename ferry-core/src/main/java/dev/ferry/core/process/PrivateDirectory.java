package dev.ferry.core.process;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory only Ferry's user may enter ({@code rwx------}), holding files only it may read
 * ({@code rw-------}, set as they are created): certificates, keys and password files a driver or a child
 * process reads during one call. {@link #close()} deletes it all. Not thread-safe.
 */
public final class PrivateDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrivateDirectory.class);

    private final Path dir;

    private PrivateDirectory(Path dir) {
        this.dir = dir;
    }

    /** A new private directory in the system's temporary directory. */
    public static PrivateDirectory create() {
        try {
            return new PrivateDirectory(Files.createTempDirectory("ferry-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create a private temporary directory; check that %s is writable"
                            .formatted(System.getProperty("java.io.tmpdir")), e);
        }
    }

    public Path path() {
        return dir;
    }

    /** Writes {@code text} to the new owner-only file {@code name} and returns its path. */
    public Path write(String name, String text) {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} to the new owner-only file {@code name} and returns its path. */
    public Path write(String name, byte[] bytes) {
        Path file = dir.resolve(name);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot write %s; check free space in the temporary directory".formatted(file), e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e)
                    .log("could not delete a private temporary directory; it holds certificates or keys, delete it by hand");
        }
    }
}
