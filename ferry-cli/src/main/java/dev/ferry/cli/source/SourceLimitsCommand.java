package dev.ferry.cli.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Table;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "source-limits",
        description = {"Caps on the connections all Ferry servers sharing the store hold to one source server.",
                "Each job reserves its source connections (copy sessions, the snapshot's, lock watching, replication)",
                "before it starts; a job that does not fit waits, and describe says why, until running jobs release theirs."},
        subcommands = {SourceLimitsCommand.Set.class, SourceLimitsCommand.Remove.class, SourceLimitsCommand.List.class})
public final class SourceLimitsCommand extends CommandGroup {
    private static final String PATH = "/v1/sourceLimits";

    /** A PUT of one server's cap, awaited, then said in one line (or answered as JSON). */
    private abstract static class Put extends FerryCall {
        @Mixin
        ClientOptions options;

        abstract ObjectNode body(ObjectNode empty);

        abstract String said(JsonNode server);

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode op = OperationWaiter.requireSuccess(client.put(PATH, body(client.mapper().createObjectNode())));
            out().println(options.json() ? client.pretty(op) : said(op.path("response")));
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", description = "Cap the connections Ferry's jobs hold to a source server, across every node.")
    public static final class Set extends Put {
        @Parameters(index = "0", paramLabel = "HOST:PORT",
                description = "The source server, as its connection profiles name it (an IPv6 address in brackets)")
        String server;

        @Option(names = "--max-connections", paramLabel = "N", required = true,
                description = "The most connections all jobs together may hold to it")
        int maxConnections;

        @Override
        ObjectNode body(ObjectNode empty) {
            return empty.put("server", server).put("maxConnections", maxConnections);
        }

        @Override
        String said(JsonNode s) {
            return "Source server %s: at most %d connections (%d in use)".formatted(s.path("server").asText(server),
                    maxConnections, s.path("connectionsInUse").asInt());
        }
    }

    @Command(name = "remove", description = "Remove the cap on a source server.")
    public static final class Remove extends Put {
        @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The source server")
        String server;

        @Override
        ObjectNode body(ObjectNode empty) {
            return empty.put("server", server);
        }

        @Override
        String said(JsonNode s) {
            return "Removed the cap on source server " + server;
        }
    }

    @Command(name = "list", description = "List source servers with a cap or with connections reserved: cap, in use, jobs.")
    public static final class List extends FerryCall {
        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode answer = client.get(PATH);
            if (options.json()) {
                out().println(client.pretty(answer));
            } else {
                Table table = Table.of("SERVER", "MAX CONNECTIONS", "IN USE", "JOBS");
                for (JsonNode s : answer.path("sourceServers")) {
                    var jobs = new ArrayList<String>();
                    s.path("reservations").forEach(r -> jobs.add("%s (%d on %s)".formatted(r.path("job").asText(),
                            r.path("connections").asInt(), r.path("node").asText())));
                    table.row(s.path("server").asText(), s.path("maxConnections").asText("-"),
                            s.path("connectionsInUse").asText(), jobs.isEmpty() ? "-" : String.join(", ", jobs));
                }
                table.print(out());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }
}
