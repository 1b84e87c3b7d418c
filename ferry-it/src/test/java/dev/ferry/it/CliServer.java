package dev.ferry.it;

import dev.ferry.cli.FerryCommand;
import dev.ferry.cli.Wiring;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;

/**
 * A Ferry server in this JVM on a free port, its home in a temporary directory with its first admin token written
 * there as {@code ferry server} does, and the CLI that talks to it; started before a class's tests, stopped after:
 * {@code @RegisterExtension static final CliServer cli = new CliServer();}.
 */
final class CliServer implements BeforeAllCallback, AfterAllCallback {
    record Result(int exit, String out, String err) {}

    private Wiring wiring;
    private ApiServer server;
    private String adminTokenName;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        wiring = Wiring.open(Files.createTempDirectory("ferry-cli-it-").resolve("home"));
        var issued = wiring.control().tokens().bootstrapAdmin().orElseThrow();
        AdminTokenFile.write(AdminTokenFile.in(wiring.home()), issued.secret());
        adminTokenName = issued.token().name();
        server = new ApiServer(ServerConfig.local(0), wiring.control());
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
        wiring.close();
    }

    /** The CLI, with the global options {@code --server} and {@code --home} in front of the command. */
    Result ferry(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--home", wiring.home().toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = FerryCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    Wiring wiring() {
        return wiring;
    }

    URI uri() {
        return server.uri();
    }

    String adminTokenName() {
        return adminTokenName;
    }
}
