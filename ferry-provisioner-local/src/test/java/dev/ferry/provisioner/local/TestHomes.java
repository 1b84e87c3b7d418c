package dev.ferry.provisioner.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Ferry homes for integration tests, in the temporary directory. */
final class TestHomes {
    private TestHomes() {}

    /** A new home every user can traverse (mode 755), as a home under /tmp or /var/lib usually is. */
    static Path open(String prefix) throws IOException {
        Path home = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /** A new home inside a directory only its owner can enter (mode 700), like one under /root. */
    static Path closed(String prefix) throws IOException {
        Path parent = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
        return Files.createDirectory(parent.resolve("home"));
    }

    static void delete(Path dir) throws IOException {
        InstancePlacement.deleteTree(dir);
    }
}
