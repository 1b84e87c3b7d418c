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
        subcommands = {
            ServerCommand.class,
            ConnectionProfilesCommand.class,
            MigrationJobsCommand.class,
            OperationsCommand.class,
            TokensCommand.class,
            dev.ferry.cli.node.NodesCommand.class,
            dev.ferry.cli.source.SourceLimitsCommand.class,
            SecretsCommand.class,
            MigrateCommand.class,
            ApplyCommand.class,
            ExportCommand.class,
            DemoCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FerryCommand extends CommandGroup {
    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the version and exit")
    boolean version;

    @Mixin
    final GlobalOptions globals = new GlobalOptions();

    /** The version from the jar's manifest; "development" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FerryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (version == null ? "development" : version)};
        }
    }
}
