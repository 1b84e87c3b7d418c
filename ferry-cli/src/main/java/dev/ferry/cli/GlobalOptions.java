package dev.ferry.cli;

import dev.ferry.cli.output.OutputFormat;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options of every command, accepted anywhere on the line ({@code ferry --server URL migration-jobs list} and
 * {@code ferry migration-jobs list --server URL} alike): picocli copies them into every subcommand and sets them here,
 * on the top command, whichever command they follow.
 */
public final class GlobalOptions {
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8642";

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Ferry server the client commands talk to (default: env FERRY_SERVER, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--format", paramLabel = "FORMAT", converter = OutputFormat.Converter.class, scope = ScopeType.INHERIT,
            description = "Output format of the client commands: table (for people, the default) or json (the API's JSON)")
    OutputFormat format;

    @Option(names = "--ca-cert", paramLabel = "PEM", scope = ScopeType.INHERIT,
            description = "CA certificate that signed an https server's certificate (default: env FERRY_CA_CERT, else the system's CAs)")
    Path caCert;

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = {"Ferry's home: the store, keys, managed instances and logs of server and demo, and the admin.token "
                    + "client commands use for a server on this machine (default: env FERRY_HOME, else $HOME/.ferry).",
                    "migrate keeps its state there only when --home is given (else in a temporary directory)."})
    Path home;

    /** The global options of the command line {@code spec} belongs to (empty ones for a command run on its own). */
    public static GlobalOptions of(CommandSpec spec) {
        return spec.root().userObject() instanceof FerryCommand ferry ? ferry.globals : new GlobalOptions();
    }

    /** {@code --server}, or null when not given. */
    public String server() {
        return server;
    }

    /** {@code --format}, table when not given. */
    public OutputFormat format() {
        return format == null ? OutputFormat.TABLE : format;
    }

    /** {@code --ca-cert}, or null when not given. */
    public Path caCert() {
        return caCert;
    }

    /** {@code --home} as given, or null: {@link Homes#resolve} applies the defaults. */
    public Path home() {
        return home;
    }
}
