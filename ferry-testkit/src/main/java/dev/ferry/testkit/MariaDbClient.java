package dev.ferry.testkit;

import dev.ferry.core.model.DatabaseConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a script through the mariadb command-line client, which sends its bytes to the server unchanged (what an
 * application in another character set than UTF-8 does, and a JDBC driver cannot). The password goes in the
 * environment, never on the command line.
 */
public final class MariaDbClient {
    private MariaDbClient() {}

    /**
     * Runs the concatenated {@code parts} in {@code database}, the session starting in {@code characterSet}.
     *
     * @throws AssertionError when the client is missing or the script fails (with the client's output)
     */
    public static void run(DatabaseConnection server, String database, String characterSet, byte[]... parts) {
        Path mariadb = Stream.of("/usr/bin/mariadb", "/usr/local/bin/mariadb", "/usr/bin/mysql", "/usr/local/bin/mysql").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError("no mariadb client installed"));
        try {
            var script = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                script.write(part);
            }
            var pb = new ProcessBuilder(mariadb.toString(), "--no-defaults", "-h", server.host(), "-P", Integer.toString(server.port()),
                    "-u", server.username(), "--default-character-set=" + characterSet, database).redirectErrorStream(true);
            if (server.password() != null) {
                pb.environment().put("MYSQL_PWD", server.password().reveal());
            }
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(script.toByteArray());
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                throw new AssertionError("the mariadb client failed: " + output);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run the mariadb client: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the mariadb client ran", e);
        }
    }
}
