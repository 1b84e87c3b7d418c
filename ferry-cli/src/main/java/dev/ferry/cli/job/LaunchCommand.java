package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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

/** start, resume and restart: the verbs that set a job running, optionally following it to the end. */
public abstract class LaunchCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
    String name;

    @Option(names = "--wait", description = "Follow the job with a progress display until it completes, fails or stops")
    boolean waitForEnd;

    @Option(names = "--skip-validation", description = "Do not run the verify checks first")
    boolean skipValidation;

    @Mixin
    ClientOptions options;

    abstract String verb();

    /** The body of the verb's call, for a verb with options of its own. */
    com.fasterxml.jackson.databind.node.ObjectNode body() {
        return JsonNodeFactory.instance.objectNode().put("skipValidation", skipValidation);
    }

    @Override
    protected int run() throws InterruptedException {
        ApiClient client = options.client();
        JsonNode op = client.post("/v1/migrationJobs/" + ApiClient.segment(name) + ":" + verb(), body());
        OperationWaiter.requireSuccess(op);
        if (options.json() && !waitForEnd) {
            out().println(client.pretty(op));
            out().flush();
            return ExitCodes.OK;
        }
        if (!waitForEnd) {
            out().printf("Migration job %s: %s requested (operation %s); follow it with: ferry migration-jobs describe %s%n",
                    name, verb(), op.path("name").asText(), name);
            out().flush();
            return ExitCodes.OK;
        }
        boolean terminal = Terminal.stderrIsTerminal();
        if (options.json()) {
            // the progress display still goes to stderr; stdout gets the job as it ended, for programs
            int exit = new JobWatch(client, new PrintWriter(Writer.nullWriter()), err(),
                    ProgressDisplay.forStderr(err(), terminal)).watch(name);
            out().println(client.pretty(client.get("/v1/migrationJobs/" + ApiClient.segment(name))));
            out().flush();
            return exit;
        }
        return new JobWatch(client, out(), err(), ProgressDisplay.forStderr(err(), terminal)).watch(name);
    }

    @Command(name = "start", description = "Start a migration job (verify runs first unless --skip-validation).")
    public static final class Start extends LaunchCommand {
        @Override
        String verb() {
            return "start";
        }
    }

    @Command(name = "resume", description = "Resume a stopped or failed job from its checkpoints.")
    public static final class Resume extends LaunchCommand {
        @Override
        String verb() {
            return "resume";
        }
    }

    @Command(name = "restart", description = "Restart a stopped or failed job from the beginning (the destination is cleared), "
            + "or with --failed-objects-only copy again only the tables not copied yet.")
    public static final class Restart extends LaunchCommand {
        @Option(names = "--failed-objects-only",
                description = "Keep every table the job copied completely; copy again only those that failed or were not copied yet")
        boolean failedObjectsOnly;

        @Override
        String verb() {
            return "restart";
        }

        @Override
        com.fasterxml.jackson.databind.node.ObjectNode body() {
            return super.body().put("failedObjectsOnly", failedObjectsOnly);
        }
    }
}
