package dev.ferry.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.output.Table;
import java.util.ArrayList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "nodes",
        description = {"The Ferry servers sharing one PostgreSQL store, and the jobs each runs.",
                "With the embedded store there is one server and no nodes are listed."},
        subcommands = {NodesCommand.List.class, NodesCommand.Drain.class, NodesCommand.Undrain.class,
                NodesCommand.Forget.class})
public final class NodesCommand extends CommandGroup {

    @Command(name = "list", description = "List nodes: name, status (ALIVE, DRAINING, DRAINED, DEAD), address, version, "
            + "heartbeat age, capacity and the jobs each holds a lease on.")
    public static final class List extends FerryCall {
        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode answer = client.get("/v1/nodes");
            if (options.json()) {
                out().println(client.pretty(answer));
            } else {
                Table table = Table.of("NODE", "STATUS", "ADDRESS", "VERSION", "HEARTBEAT AGE", "MAX JOBS", "JOBS");
                for (JsonNode n : answer.path("nodes")) {
                    var jobs = new ArrayList<String>();
                    n.path("jobs").forEach(j -> jobs.add(j.asText()));
                    table.row(n.path("name").asText(), n.path("state").asText(), n.path("address").asText(null),
                            n.path("version").asText(null), "%.1fs".formatted(n.path("heartbeatAgeSeconds").asDouble()),
                            n.path("maxJobs").asText(), jobs.isEmpty() ? "-" : String.join(", ", jobs));
                }
                table.print(out());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    /** A verb on one node ({@code POST /v1/nodes/NAME:VERB}), printing the node as it stands afterwards. */
    abstract static class NodeVerb extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "The node's name, as ferry nodes list shows it")
        String name;

        @Mixin
        ClientOptions options;

        private final String verb;
        /** What is printed once done, given the node's name and its state now. */
        private final String done;

        NodeVerb(String verb, String done) {
            this.verb = verb;
            this.done = done;
        }

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode node = client.post("/v1/nodes/" + ApiClient.segment(name) + ":" + verb + query(), null);
            out().println(options.json() ? client.pretty(node) : done.formatted(name, node.path("state").asText()));
            out().flush();
            return ExitCodes.OK;
        }

        /** The verb's query string ("" for none). */
        String query() {
            return "";
        }
    }

    @Command(name = "drain", description = {"Drain a node: it takes no new jobs and hands the jobs it runs to the other "
            + "nodes, which resume them from their checkpoints (within a heartbeat).",
            "Refused when no other live node takes jobs, or (without --force) when they lack room for its jobs. The node "
                    + "stays drained until undrained or restarted.",
            "Watch it go from DRAINING to DRAINED with: ferry nodes list"})
    public static final class Drain extends NodeVerb {
        @picocli.CommandLine.Option(names = "--force", description = "Drain even when the other nodes lack room for all "
                + "its jobs (--max-jobs): the jobs that do not fit wait until a node has room")
        boolean force;

        public Drain() {
            super("drain", "Node %s is %s; it hands its jobs to the other nodes (ferry nodes list shows DRAINED once it holds none)");
        }

        @Override
        String query() {
            return force ? "?force=true" : "";
        }
    }

    @Command(name = "undrain", aliases = "resume", description = "Let a drained node take jobs again (within a heartbeat).")
    public static final class Undrain extends NodeVerb {
        public Undrain() {
            super("undrain", "Node %s takes jobs again (%s)");
        }
    }

    @Command(name = "forget", description = {"Remove a dead node (no heartbeat for longer than its lease timeout) from "
            + "the list.", "Refused for a live node: a node that stops leaves the list by itself."})
    public static final class Forget extends NodeVerb {
        public Forget() {
            super("forget", "Forgot node %s (it was %s)");
        }
    }
}
