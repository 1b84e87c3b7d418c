package dev.ferry.cli.client;

import dev.ferry.cli.GlobalOptions;
import dev.ferry.cli.Homes;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every client command needs from the {@link GlobalOptions}: which server, with which token and CA, and how to
 * print. The token is {@code FERRY_TOKEN}; only when the server is on this machine (a loopback URL) does the CLI fall
 * back on the {@code admin.token} of {@code --home} / {@code FERRY_HOME}, so the local admin token never goes to
 * another machine. A mixin of every client command (a {@code @Command} without options of its own: they are global).
 */
@Command
public final class ClientOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private GlobalOptions globals() {
        return GlobalOptions.of(mixee);
    }

    public String serverUrl() {
        String server = globals().server();
        if (server != null && !server.isBlank()) {
            return server;
        }
        String env = System.getenv("FERRY_SERVER");
        return env != null && !env.isBlank() ? env : GlobalOptions.DEFAULT_SERVER;
    }

    public ApiClient client() {
        String url = serverUrl();
        return ApiClient.of(url, token(url), caCert());
    }

    public boolean json() {
        return globals().format() == dev.ferry.cli.output.OutputFormat.JSON;
    }

    private String token(String url) {
        String env = System.getenv("FERRY_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        if (!ApiClient.isLoopback(url)) {
            return null;
        }
        return AdminTokenFile.read(AdminTokenFile.in(Homes.resolve(globals().home()))).orElse(null);
    }

    private Path caCert() {
        Path caCert = globals().caCert();
        if (caCert != null) {
            return caCert;
        }
        String env = System.getenv("FERRY_CA_CERT");
        return env != null && !env.isBlank() ? Path.of(env) : null;
    }
}
