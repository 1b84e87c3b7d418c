package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Table;
import dev.ferry.cli.output.Terminal;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", sortOptions = false,
        description = {"Prove the destination equals the source: every table's rows hashed range by range on both servers",
                "(differing rows listed by key), and the schema compared. A continuous job is validated while changes",
                "stream. Exits 0 when everything is equal, 1 on any difference (or an inconclusive or failed check)."})
public final class ValidateJobCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
    String name;

    @Option(names = "--tables", paramLabel = "PATTERN",
            description = "Only these tables: comma-separated patterns such as public.orders,shop.* (default: every table)")
    String tables;

    @ArgGroup(exclusive = true)
    Scope scope;

    static final class Scope {
        @Option(names = "--schema-only", description = "Compare only the schema") boolean schemaOnly;
        @Option(names = "--data-only", description = "Compare only the rows") boolean dataOnly;
    }

    @Mixin
    ClientOptions options;

    @Override
    protected int run() throws InterruptedException {
        ApiClient client = options.client();
        ObjectNode body = client.mapper().createObjectNode();
        if (scope != null) {
            body.put("mode", scope.schemaOnly ? "schema" : "data");
        }
        if (tables != null) {
            body.put("tables", tables);
        }
        String path = "/v1/migrationJobs/" + ApiClient.segment(name);
        JsonNode op = OperationWaiter.requireSuccess(client.post(path + ":validate", body));
        String id = op.path("response").path("id").asText(null);
        op = new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op);
        if (id == null) {
            for (JsonNode v : client.get(path + "/validations").path("validations")) {
                if (op.path("name").asText().equals(v.path("operation").asText())) {
                    id = v.path("id").asText();
                    break;
                }
            }
        }
        if (id == null) {
            OperationWaiter.requireSuccess(op);
            throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.INTERNAL, "the validation's result was not found");
        }
        JsonNode validation = client.get(path + "/validations/" + ApiClient.segment(id));
        if (options.json()) {
            out().println(client.pretty(validation));
        } else {
            print(out(), validation);
        }
        out().flush();
        return "CLEAN".equals(validation.path("status").asText()) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** A validation for people: the verdict, each table, the differing rows, the schema findings, the cost. */
    static void print(PrintWriter out, JsonNode v) {
        out.printf("Validation %s of migration job %s (%s): %s%n", v.path("id").asText(), v.path("job").asText(),
                v.path("mode").asText(), v.path("status").asText());
        if (v.hasNonNull("message")) {
            out.printf("  %s%n", v.path("message").asText());
        }
        Table tables = Table.of("TABLE", "STATUS", "RANGES", "ROWS", "DIFFERENCES", "NOTE");
        for (JsonNode t : v.path("tableResults")) {
            long differences = t.path("differences").size() + t.path("moreDifferences").asLong();
            tables.row(t.path("name").asText(), t.path("status").asText(),
                    t.path("chunksDone").asInt() + "/" + t.path("chunks").asInt(), t.path("rows").asLong(),
                    differences == 0 ? "" : differences, t.path("note").asText(""));
        }
        if (!tables.isEmpty()) {
            tables.print(out);
        }
        Table rows = Table.of("TABLE", "ROW", "KEY");
        for (JsonNode t : v.path("tableResults")) {
            for (JsonNode d : t.path("differences")) {
                String key = d.path("key").isEmpty() ? d.path("count").asLong() + " row(s) without a key"
                        : JobView.join(d.path("key"));
                rows.row(t.path("name").asText(), d.path("kind").asText().toLowerCase(Locale.ROOT), key);
            }
            if (t.path("moreDifferences").asLong() > 0) {
                rows.row(t.path("name").asText(), "…", t.path("moreDifferences").asLong() + " more");
            }
        }
        if (!rows.isEmpty()) {
            out.println();
            out.println("Differing rows:");
            rows.print(out);
        }
        if (!v.path("schemaFindings").isEmpty()) {
            out.println();
            out.println("Schema differences:");
            JobView.findings(v.path("schemaFindings")).print(out);
        }
        if (v.hasNonNull("endTime")) {
            out.printf("%nCompared %,d rows at %,d rows/s; read %s from the source and %s from the destination%n",
                    v.path("rows").asLong(), v.path("rowsPerSecond").asLong(),
                    dev.ferry.cli.output.Units.bytes(v.path("sourceBytes").asLong()),
                    dev.ferry.cli.output.Units.bytes(v.path("destinationBytes").asLong()));
        }
    }
}
