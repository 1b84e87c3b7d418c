package dev.ferry.cli.operation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.output.Fields;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "operations", description = "Inspect operations: the record of every mutating call.",
        subcommands = OperationsCommand.Describe.class)
public final class OperationsCommand extends CommandGroup {

    @Command(name = "describe", description = "Show one operation: whether it is done, and how it ended.")
    public static final class Describe extends FerryCall {
        @Parameters(index = "0", paramLabel = "ID", description = "Operation id, such as op-1a2b3c4d5e6f7a8b")
        String id;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode op = client.get("/v1/operations/" + ApiClient.segment(id));
            if (options.json()) {
                out().println(client.pretty(op));
                out().flush();
                return ExitCodes.OK;
            }
            JsonNode meta = op.path("metadata");
            JsonNode error = op.path("error");
            new Fields()
                    .add("Name", op.path("name").asText())
                    .add("Verb", meta.path("verb").asText())
                    .add("Target", meta.path("target").asText())
                    .add("Done", op.path("done").asBoolean() ? "yes" : "no")
                    .add("Status", meta.path("statusMessage").asText(null))
                    .add("Error", error.isMissingNode() ? null : error.path("code").asText() + ": " + error.path("message").asText())
                    .add("Created", meta.path("createTime").asText(null))
                    .add("Ended", meta.path("endTime").asText(null))
                    .add("Request id", meta.path("requestId").asText(null))
                    .print(out());
            return ExitCodes.OK;
        }
    }
}
