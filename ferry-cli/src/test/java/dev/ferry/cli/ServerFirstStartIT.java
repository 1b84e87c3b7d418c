package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cli.client.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Secure by default: what {@code ferry server} does to its home at first start, as a real process. */
@Timeout(120)
class ServerFirstStartIT {
    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theFirstStartWritesAnOwnerOnlyAdminTokenAndMakesAPreExistingHomeOwnerOnly() throws Exception {
        Path home = dir.resolve("home");
        var open = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(home.resolve("logs"), open);
        Files.createDirectories(home.resolve("store"), open);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("logs/server.log"), "an older log line\n");
        Files.setPosixFilePermissions(home.resolve("logs/server.log"), PosixFilePermissions.fromString("rw-r--r--"));
        int port = freePort();
        Path output = dir.resolve("server.out");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.ferry.cli.Main",
                "server", "--home", home.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        ApiClient anonymous = ApiClient.of("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> anonymous.get("/healthz").path("status").asText().equals("ok"));

        Path token = home.resolve("admin.token");
        assertThat(Files.readString(output)).contains("wrote it to " + token);
        assertThat(permissions(token)).isEqualTo("rw-------");
        assertThat(Files.readString(token).strip()).startsWith("ferry_");
        assertThat(permissions(home)).isEqualTo("rwx------");
        assertThat(permissions(home.resolve("store"))).isEqualTo("rwx------");
        try (var files = Files.list(home.resolve("store"))) {
            assertThat(files.filter(Files::isRegularFile).toList()).isNotEmpty()
                    .allSatisfy(f -> assertThat(permissions(f)).isEqualTo("rw-------"));
        }
        assertThat(permissions(home.resolve("logs"))).isEqualTo("rwx------");
        assertThat(permissions(home.resolve("logs/server.log"))).isEqualTo("rw-------");
        assertThat(permissions(home.resolve("secret.key"))).isEqualTo("rw-------");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FerryCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(List.of("tokens", "list", "--server", "http://localhost:" + port, "--home", home.toString())
                .toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("admin\\s+admin");
    }

    @Test
    void aServerOnAnAddressOtherMachinesReachRefusesToStartWithoutTls() {
        StringWriter err = new StringWriter();
        CommandLine cli = FerryCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("server", "--bind", "0.0.0.0", "--port", "0", "--home", dir.resolve("h").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("without TLS").contains("--tls-cert").contains("--behind-tls-proxy");
        assertThat(dir.resolve("h")).doesNotExist();
    }
}
