package dev.ferry.cli.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "secrets", description = "Manage how the server keeps secrets at rest (admins only).",
        subcommands = SecretsCommand.RotateKey.class)
public final class SecretsCommand extends CommandGroup {

    @Command(name = "rotate-key", description = {
        "Seal every stored password with a new key, then retire the old key, while the server keeps serving.",
        "Back up HOME/secret.key afterwards; servers sharing the store need the new key file too."})
    public static final class RotateKey extends FerryCall {
        @Mixin
        ClientOptions options;

        @Override
        protected int run() throws InterruptedException {
            ApiClient client = options.client();
            JsonNode op = client.post("/v1/secrets:rotateKey", client.mapper().createObjectNode());
            op = OperationWaiter.requireSuccess(new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op));
            if (options.json()) {
                out().println(client.pretty(op));
            } else {
                out().println("Key rotated: " + op.path("metadata").path("statusMessage").asText());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }
}
