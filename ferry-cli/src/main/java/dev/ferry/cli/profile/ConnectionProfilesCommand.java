package dev.ferry.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.Secrets;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connection-profiles",
        description = "Manage connection profiles: the source and destination servers of migrations.",
        subcommands = {
            CreateProfileCommand.class,
            ConnectionProfilesCommand.List.class,
            ConnectionProfilesCommand.Describe.class,
            ConnectionProfilesCommand.SetRootPassword.class,
            ConnectionProfilesCommand.Delete.class
        })
public final class ConnectionProfilesCommand extends CommandGroup {

    @Command(name = "list", description = "List connection profiles.")
    public static final class List extends FerryCall {
        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode answer = client.get("/v1/connectionProfiles");
            if (options.json()) {
                out().println(client.pretty(answer));
            } else if (answer.path("connectionProfiles").isEmpty()) {
                out().println("No connection profiles yet; create one with: ferry connection-profiles create NAME ...");
            } else {
                ProfileView.list(answer.path("connectionProfiles")).print(out());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "describe", description = "Show one connection profile (passwords are never shown).")
    public static final class Describe extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Profile name")
        String name;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode profile = client.get("/v1/connectionProfiles/" + ApiClient.segment(name));
            if (options.json()) {
                out().println(client.pretty(profile));
                out().flush();
            } else {
                ProfileView.describe(profile).print(out());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "set-root-password",
            description = {"Set the superuser password of a managed instance Ferry created (admin token only), on the",
                    "running instance and in Ferry's store, so you can connect to it and Ferry keeps working.",
                    "The password comes from an environment variable or a file, never from the command line."})
    public static final class SetRootPassword extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Profile name of the managed instance")
        String name;

        @Option(names = "--password-env", paramLabel = "VAR", description = "Read the new password from this environment variable")
        String passwordEnv;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the new password from the first line of this file")
        java.nio.file.Path passwordFile;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() throws InterruptedException {
            if ((passwordEnv == null) == (passwordFile == null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "Give the new password one way: --password-env VAR or --password-file FILE");
            }
            dev.ferry.core.Secret password = passwordEnv != null ? Secrets.fromEnv(passwordEnv, "--password-env")
                    : Secrets.fromFile(passwordFile, "--password-file");
            ApiClient client = options.client();
            var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("password", password.reveal());
            JsonNode op = client.post("/v1/connectionProfiles/" + ApiClient.segment(name) + ":setRootPassword", body);
            op = OperationWaiter.requireSuccess(new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op));
            if (options.json()) {
                out().println(client.pretty(op));
            } else {
                JsonNode profile = client.get("/v1/connectionProfiles/" + ApiClient.segment(name));
                out().printf("Superuser password of managed instance %s set.%n", name);
                String url = ProfileView.connectionString(profile);
                if (url != null) {
                    out().printf("Connect with: %s (and that password)%n", url);
                }
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", description = "Delete a connection profile that no migration job uses.")
    public static final class Delete extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Profile name")
        String name;

        @Option(names = "--force", description = "Also delete a managed instance with all its data")
        boolean force;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() throws InterruptedException {
            ApiClient client = options.client();
            JsonNode op = client.delete("/v1/connectionProfiles/" + ApiClient.segment(name) + (force ? "?force=true" : ""));
            op = new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op);
            if (options.json()) {
                out().println(client.pretty(op));
                out().flush();
            }
            OperationWaiter.requireSuccess(op);
            if (!options.json()) {
                out().println("Deleted connection profile " + name);
                out().flush();
            }
            return ExitCodes.OK;
        }
    }
}
