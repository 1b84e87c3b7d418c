package dev.ferry.cli.demo;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the demo instances' superuser URLs, with their passwords, to a file only its owner can read. */
final class DemoCredentials {
    static final String FILE = "demo-credentials.txt";

    private DemoCredentials() {}

    static Path write(Path home, DatabaseConnection source, DatabaseConnection destination) {
        Path file = home.resolve(FILE);
        String text = """
                # Ferry demo: superuser URLs of the two demo instances, with their generated passwords.
                # Keep this file private. Connect with: psql "$(grep '^demo-source ' %1$s | cut -d' ' -f2)"
                demo-source %2$s
                demo-destination %3$s
                """.formatted(file, url(source), url(destination));
        try {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);    // not a POSIX file system: the home directory's protection applies
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, "Cannot write %s".formatted(file), e);
        }
    }

    /** {@code postgresql://user:password@host:port/shop}, user and password percent-encoded. */
    static String url(DatabaseConnection c) {
        String password = c.password() == null ? "" : ":" + encode(c.password().reveal());
        String host = c.host().contains(":") ? "[" + c.host() + "]" : c.host();
        return "postgresql://%s%s@%s:%d/%s".formatted(encode(c.username()), password, host, c.port(), DemoData.DATABASE);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
