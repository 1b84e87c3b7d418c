package dev.ferry.cli;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Ferry's home directory: {@code --home}, else {@code FERRY_HOME}, else {@code ~/.ferry}. */
public final class Homes {
    private Homes() {}

    public static Path resolve(Path option) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String env = System.getenv("FERRY_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return Path.of(System.getProperty("user.home"), ".ferry");
    }

    /** Creates the directory (owner-only when new) and returns it. */
    public static Path create(Path home) {
        try {
            if (!Files.isDirectory(home)) {
                Files.createDirectories(home);
                try {
                    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory keeps the platform's default permissions
                }
            }
            return home;
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot create Ferry's home directory %s; choose another with --home or FERRY_HOME".formatted(home), e);
        }
    }
}
