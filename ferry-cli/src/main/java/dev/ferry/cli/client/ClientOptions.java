package dev.ferry.cli.client;

import dev.ferry.cli.Homes;
import dev.ferry.cli.output.OutputFormat;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every client command has: which server, with which token and CA, and how to print. The
 * token is {@code FERRY_TOKEN}; only when the server is on this machine (a loopback URL) does the CLI
 * fall back on the {@code admin.token} of {@code --home} / {@code FERRY_HOME}, so the local admin token
 * never goes to another machine.
 */
public final class ClientOptions {
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8642";

    @Option(names = "--server", paramLabel = "URL",
            description = "Ferry server to talk to (default: env FERRY_SERVER, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
            description = "Output format: table (for people, the default) or json (the API's JSON)")
    OutputFormat format = OutputFormat.TABLE;

    @Option(names = "--ca-cert", paramLabel = "PEM",
            description = "CA certificate that signed an https server's certificate (default: env FERRY_CA_CERT, else the system's CAs)")
    Path caCert;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Home of a server on this machine, whose admin.token is used when FERRY_TOKEN is not set (default: env FERRY_HOME, else ~/.ferry)")
    Path home;

    public String serverUrl() {
        if (server != null && !server.isBlank()) {
            return server;
        }
        String env = System.getenv("FERRY_SERVER");
        return env != null && !env.isBlank() ? env : DEFAULT_SERVER;
    }

    public ApiClient client() {
        String url = serverUrl();
        return ApiClient.of(url, token(url), caCert());
    }

    public boolean json() {
        return format == OutputFormat.JSON;
    }

    private String token(String url) {
        String env = System.getenv("FERRY_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        if (!ApiClient.isLoopback(url)) {
            return null;
        }
        return AdminTokenFile.read(AdminTokenFile.in(Homes.resolve(home))).orElse(null);
    }

    private Path caCert() {
        if (caCert != null) {
            return caCert;
        }
        String env = System.getenv("FERRY_CA_CERT");
        return env != null && !env.isBlank() ? Path.of(env) : null;
    }
}
