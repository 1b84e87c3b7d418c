package dev.ferry.cli;

import dev.ferry.cli.access.SecretsCommand;
import dev.ferry.cli.apply.ApplyCommand;
import dev.ferry.cli.apply.ExportCommand;
import dev.ferry.cli.access.TokensCommand;
import dev.ferry.cli.demo.DemoCommand;
import dev.ferry.cli.job.MigrationJobsCommand;
import dev.ferry.cli.migrate.MigrateCommand;
import dev.ferry.cli.operation.OperationsCommand;
import dev.ferry.cli.profile.ConnectionProfilesCommand;
import dev.ferry.cli.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ferry", versionProvider = FerryCommand.Version.class,
        description = {"Ferry moves a live PostgreSQL or MySQL/MariaDB database to another server of the same family.",
                "",
                "Client commands talk to a Ferry server (--server, env FERRY_SERVER, default http://127.0.0.1:8642)",
                "with the API token in FERRY_TOKEN (for a server on this machine: else HOME/admin.token);",
                "migrate and demo run in this process and need no token.",
                "Exit codes: 0 success, 1 the operation failed, 2 usage or input error."},
        // Subcommands are added by commandLine(), not listed here: see there.
        subcommands = {})
public final class FerryCommand extends CommandGroup {
    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit")
    boolean version;

    @Mixin
    final GlobalOptions globals = new GlobalOptions();

    /** The whole command tree. */
    public static CommandLine commandLine() {
        // In the order help lists them. Plain calls: with a static list of constructor references instead, JDK 25.0.3
        // crashed writing the class archive (see ClassArchiveIT).
        return new CommandLine(new FerryCommand())
                .addSubcommand(new ServerCommand())
                .addSubcommand(new ConnectionProfilesCommand())
                .addSubcommand(new MigrationJobsCommand())
                .addSubcommand(new OperationsCommand())
                .addSubcommand(new TokensCommand())
                .addSubcommand(new dev.ferry.cli.node.NodesCommand())
                .addSubcommand(new dev.ferry.cli.source.SourceLimitsCommand())
                .addSubcommand(new SecretsCommand())
                .addSubcommand(new MigrateCommand())
                .addSubcommand(new ApplyCommand())
                .addSubcommand(new ExportCommand())
                .addSubcommand(new DemoCommand())
                .addSubcommand(new CompletionCommand())
                .addSubcommand(new CommandLine.HelpCommand());
    }

    /**
     * The command tree {@code args} need: only {@code migrate} under the root when they run it (picocli reads every
     * command's annotations when it is added, about a tenth of a second for the whole tree, which a one-time migration
     * pays at every start), else the whole tree.
     */
    public static CommandLine commandLine(String[] args) {
        if (!"migrate".equals(command(args))) {
            return commandLine();
        }
        CommandLine root = new CommandLine(new FerryCommand());
        root.addSubcommand(new MigrateCommand());
        return root;
    }

    /** The first argument that is neither an option nor the value of a global option taking one; null if none. */
    static String command(String[] args) {
        String previous = "";
        for (String arg : args) {
            boolean value = previous.equals("--home") || previous.equals("--server") || previous.equals("--format")
                    || previous.equals("--ca-cert");
            if (!arg.startsWith("-") && !value) {
                return arg;
            }
            previous = arg;
        }
        return null;
    }

    /** The version from the jar's manifest; "development" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FerryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (version == null ? "development" : version)};
        }
    }
}
