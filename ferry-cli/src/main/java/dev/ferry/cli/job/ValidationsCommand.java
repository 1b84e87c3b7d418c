package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.output.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "validations", description = {"List a job's validations, newest first, or show one (with its progress "
        + "while it runs).", "With an ID, exits 1 unless that validation is CLEAN."})
public final class ValidationsCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
    String name;

    @Parameters(index = "1", paramLabel = "ID", arity = "0..1", description = "A validation's id (default: list them)")
    String id;

    @Mixin
    ClientOptions options;

    @Override
    protected int run() {
        ApiClient client = options.client();
        String path = "/v1/migrationJobs/" + ApiClient.segment(name) + "/validations";
        if (id != null) {
            JsonNode v = client.get(path + "/" + ApiClient.segment(id));
            if (options.json()) {
                out().println(client.pretty(v));
            } else {
                ValidateJobCommand.print(out(), v);
            }
            out().flush();
            return "CLEAN".equals(v.path("status").asText()) ? ExitCodes.OK : ExitCodes.FAILED;
        }
        JsonNode answer = client.get(path);
        if (options.json()) {
            out().println(client.pretty(answer));
        } else if (answer.path("validations").isEmpty()) {
            out().printf("Migration job %s has no validations yet; run one with: ferry migration-jobs validate %s%n", name, name);
        } else {
            Table t = Table.of("ID", "MODE", "STATUS", "STARTED", "ROWS", "ROWS/S", "SUMMARY");
            for (JsonNode v : answer.path("validations")) {
                t.row(v.path("id").asText(), v.path("mode").asText(), v.path("status").asText(),
                        v.path("startTime").asText(""), v.path("rows").asLong(), v.path("rowsPerSecond").asLong(),
                        v.path("message").asText(""));
            }
            t.print(out());
        }
        out().flush();
        return ExitCodes.OK;
    }
}
