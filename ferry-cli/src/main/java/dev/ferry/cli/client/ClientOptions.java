package dev.ferry.cli.client;

import dev.ferry.cli.output.OutputFormat;
import picocli.CommandLine.Option;

/** The options every client command has: which server, and how to print. */
public final class ClientOptions {
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8642";

    @Option(names = "--server", paramLabel = "URL",
            description = "Ferry server to talk to (default: env FERRY_SERVER, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
            description = "Output format: table (for people, the default) or json (the API's JSON)")
    OutputFormat format = OutputFormat.TABLE;

    public String serverUrl() {
        if (server != null && !server.isBlank()) {
            return server;
        }
        String env = System.getenv("FERRY_SERVER");
        return env != null && !env.isBlank() ? env : DEFAULT_SERVER;
    }

    public ApiClient client() {
        return ApiClient.of(serverUrl());
    }

    public boolean json() {
        return format == OutputFormat.JSON;
    }
}
