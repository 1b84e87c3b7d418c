package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.CommandGroup;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Terminal;
import dev.ferry.cli.progress.ProgressDisplay;
import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migration-jobs", description = "Manage migration jobs: create, verify, start, follow, stop, promote.",
        subcommands = {
            CreateJobCommand.class,
            MigrationJobsCommand.List.class,
            DescribeJobCommand.class,
            LaunchCommand.Start.class,
            MigrationJobsCommand.Stop.class,
            LaunchCommand.Resume.class,
            LaunchCommand.Restart.class,
            MigrationJobsCommand.Promote.class,
            MigrationJobsCommand.DemoteDestination.class,
            VerifyJobCommand.class,
            ValidateJobCommand.class,
            ValidationsCommand.class,
            MigrationJobsCommand.Delete.class
        })
public final class MigrationJobsCommand extends CommandGroup {

    @Command(name = "list", description = "List migration jobs.")
    public static final class List extends FerryCall {
        @Mixin
        ClientOptions options;

        @Override
        protected int run() {
            ApiClient client = options.client();
            JsonNode answer = client.get("/v1/migrationJobs");
            if (options.json()) {
                out().println(client.pretty(answer));
            } else if (answer.path("migrationJobs").isEmpty()) {
                out().println("No migration jobs yet; create one with: ferry migration-jobs create NAME ...");
            } else {
                JobView.list(answer.path("migrationJobs")).print(out());
            }
            out().flush();
            return ExitCodes.OK;
        }
    }

    /** A verb that only needs the job name, answered by an operation this command waits for. */
    abstract static class SimpleVerb extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
        String name;

        @Mixin
        ClientOptions options;

        abstract JsonNode send(ApiClient client, String path);

        /** What happened, for people: the rest of "Migration job NAME...", from the finished operation {@code op}. */
        abstract String done(JsonNode op);

        @Override
        protected int run() throws InterruptedException {
            ApiClient client = options.client();
            JsonNode op = send(client, "/v1/migrationJobs/" + ApiClient.segment(name));
            op = new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op);
            if (options.json()) {
                out().println(client.pretty(op));
                out().flush();
            }
            OperationWaiter.requireSuccess(op);
            if (!options.json()) {
                out().printf("Migration job %s%s%n", name, done(op));
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "stop", description = "Stop a running job; it keeps its checkpoints, so resume continues it.")
    public static final class Stop extends SimpleVerb {
        @Override
        JsonNode send(ApiClient client, String path) {
            return client.post(path + ":stop", null);
        }

        @Override
        String done(JsonNode op) {
            return " stopped; continue it with: ferry migration-jobs resume " + name;
        }
    }

    @Command(name = "promote", sortOptions = false,
            description = {"Cut over a continuous job: apply everything the source committed until now, stop replication,",
                    "synchronise sequences and make the destination writable. Exits 0 once requested; with --wait,",
                    "follows the promotion and exits 0 when the job is COMPLETED, 1 when it failed or validation refused it."})
    public static final class Promote extends FerryCall {
        @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
        String name;

        @Option(names = "--wait", description = "Follow the promotion (phase, lag, rows applied) until the job completes or fails")
        boolean waitForEnd;

        @Option(names = "--force",
                description = "Stop replication where it is now instead of applying what the source committed until now; "
                        + "with --validate, promote even when validation finds a difference (recorded in the job's events)")
        boolean force;

        @Option(names = "--validate",
                description = "Once everything is applied, validate the data before the destination is made writable; "
                        + "refuse (the job replicates on) on any difference")
        boolean validate;

        @Mixin
        ClientOptions options;

        @Override
        protected int run() throws InterruptedException {
            ApiClient client = options.client();
            String path = "/v1/migrationJobs/" + ApiClient.segment(name);
            String query = force && validate ? "?force=true&validate=true" : force ? "?force=true" : validate ? "?validate=true" : "";
            JsonNode op = OperationWaiter.requireSuccess(client.post(path + ":promote" + query, null));
            // The job's validateOnPromote validates (and may refuse) a plain promotion too.
            boolean validating = validate || waitForEnd
                    && client.get(path).path("reliabilityConfig").path("validateOnPromote").asBoolean(false);
            if (waitForEnd && validating) {
                // A validating promotion may be refused: its operation says how it ended.
                op = OperationWaiter.requireSuccess(new OperationWaiter(client, err(), Terminal.stderrIsTerminal()).await(op));
                if (options.json()) {
                    out().println(client.pretty(client.get(path)));
                } else {
                    out().printf("Migration job %s promoted after a clean validation%s%n", name,
                            force ? " (or forced past its differences: see the job's events)" : "");
                }
                out().flush();
                return ExitCodes.OK;
            }
            if (!waitForEnd) {
                if (options.json()) {
                    out().println(client.pretty(op));
                } else {
                    out().printf("Migration job %s: promotion requested (operation %s); follow it with: "
                            + "ferry migration-jobs describe %s%n", name, op.path("name").asText(), name);
                }
                out().flush();
                return ExitCodes.OK;
            }
            boolean terminal = Terminal.stderrIsTerminal();
            PrintWriter watchOut = options.json() ? new PrintWriter(Writer.nullWriter()) : out();
            int exit = new JobWatch(client, watchOut, err(), ProgressDisplay.forStderr(err(), terminal)).watch(name, true, op);
            if (options.json()) {
                out().println(client.pretty(client.get(path)));
                out().flush();
            }
            return exit;
        }
    }

    @Command(name = "demote-destination",
            description = "Make an existing destination's databases read-only for all but Ferry before the job starts "
                    + "(a continuous job does it after its full load; promote and delete undo it).")
    public static final class DemoteDestination extends SimpleVerb {
        @Override
        JsonNode send(ApiClient client, String path) {
            return client.post(path + ":demoteDestination", null);
        }

        @Override
        String done(JsonNode op) {
            return ": " + op.path("metadata").path("statusMessage").asText("destination demoted");
        }
    }

    @Command(name = "delete", description = "Delete a migration job (migrated data on the destination stays).")
    public static final class Delete extends SimpleVerb {
        @Option(names = "--force", description = "Also delete a managed destination instance that no other job uses")
        boolean force;

        @Override
        JsonNode send(ApiClient client, String path) {
            return client.delete(path + (force ? "?force=true" : ""));
        }

        @Override
        String done(JsonNode op) {
            return " deleted";
        }
    }
}
