package dev.ferry.cli.client;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.store.secret.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code HOME/admin.token}: the admin token the first start of a server writes for its operator, owner
 * read/write only, and the one the CLI falls back on for a server on this machine.
 */
public final class AdminTokenFile {
    public static final String NAME = "admin.token";

    private AdminTokenFile() {}

    /** The file under {@code home}. */
    public static Path in(Path home) {
        return home.resolve(NAME);
    }

    /** Writes {@code token} to {@code file}, created owner-only and moved into place in one step. */
    public static void write(Path file, String token) {
        try {
            Path temp = Files.createTempFile(file.getParent(), ".admin-token-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot write the admin token to %s; check that Ferry's home is writable by this user".formatted(file), e);
        }
    }

    /** The token in {@code file}, if the file exists; refuses a file others may read. */
    public static Optional<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String permissions = PrivateFiles.permissions(file);
        if (permissions != null && !permissions.endsWith("------")) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "%s is readable by other users (%s); run: chmod 600 %s".formatted(file, permissions, file));
        }
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Cannot read the admin token in %s; check its permissions, or set FERRY_TOKEN".formatted(file), e);
        }
    }
}
