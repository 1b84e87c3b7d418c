package dev.ferry.cli.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.cli.output.Terminal;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "apply", sortOptions = false,
        description = {"Create or update connection profiles and migration jobs to match a YAML file, after printing the plan.",
                "Idempotent: applying the same file again changes nothing. Secrets are referenced (passwordEnv, passwordFile),",
                "never written in the file. Profiles and jobs the file does not declare are left alone unless --prune.",
                "A job's lifecycle stays with the verbs; desiredState: running|stopped may start, resume or stop it.",
                "Exit code 1 when a change was refused (nothing is changed for that resource; the others are applied)."})
public final class ApplyCommand extends FerryCall {
    private static final Set<String> LIFECYCLE_VERBS = Set.of("start", "resume", "stop");

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The configuration file (YAML)")
    Path file;

    @Option(names = "--dry-run", description = "Print the plan and change nothing")
    boolean dryRun;

    @Option(names = "--prune", description = "Also delete the jobs and profiles the file does not declare "
            + "(a managed instance with all its data); the plan lists them")
    boolean prune;

    @Mixin
    ClientOptions options;

    @Override
    protected int run() throws InterruptedException {
        ConfigDocument document = new ConfigReader().read(file);
        Path base = file.toAbsolutePath().getParent();
        Declarations declared = Declarations.of(document, base, System::getenv);
        ApiClient client = options.client();
        Plan plan = Plan.of(client, declared, prune);
        if (options.json()) {
            var answer = JsonNodeFactory.instance.objectNode();
            answer.putArray("plan").addAll(plan.entries());
            out().println(client.pretty(answer));
            out().flush();
        } else {
            PlanView.print(plan, file.toString(), out());
        }
        if (dryRun) {
            say("Dry run: nothing was changed.");
        } else if (plan.changesSomething()) {
            apply(client, plan, declared);
        }
        long refused = plan.count("REFUSED");
        if (refused > 0) {
            err().printf("Error: %d change(s) refused; nothing was changed for %s (see the reasons above)%n", refused,
                    refused == 1 ? "that resource" : "those resources");
            err().flush();
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private void apply(ApiClient client, Plan plan, Declarations declared) throws InterruptedException {
        var waiter = new OperationWaiter(client, err(), Terminal.stderrIsTerminal());
        for (JsonNode entry : plan.deletedJobs()) {
            delete(client, waiter, entry, Plan.JOBS, "migration job", "");
        }
        for (int i = 0; i < declared.profiles().size(); i++) {
            put(client, waiter, plan.profiles().get(i), declared.profiles().get(i), Plan.PROFILES, "connection profile");
        }
        for (int i = 0; i < declared.jobs().size(); i++) {
            put(client, waiter, plan.jobs().get(i), declared.jobs().get(i), Plan.JOBS, "migration job");
        }
        for (JsonNode entry : plan.deletedProfiles()) {
            delete(client, waiter, entry, Plan.PROFILES, "connection profile", "?force=true");
        }
    }

    private void put(ApiClient client, OperationWaiter waiter, JsonNode entry, Declarations.Declared declared,
            String collection, String kind) throws InterruptedException {
        String action = entry.path("action").asText();
        if (!action.equals("CREATE") && !action.equals("UPDATE")) {
            return;
        }
        JsonNode op = Plan.about(kind, declared.name(),
                () -> client.put(collection + "/" + ApiClient.segment(declared.name()), declared.body()));
        String verb = op.path("metadata").path("verb").asText();
        if (LIFECYCLE_VERBS.contains(verb)) {
            OperationWaiter.requireSuccess(op);
            say("%s %s: %s requested; follow it with: ferry migration-jobs describe %s".formatted(
                    action.equals("CREATE") ? "Created " + kind : "Updated " + kind, declared.name(), verb, declared.name()));
            return;
        }
        OperationWaiter.requireSuccess(waiter.await(op));
        say("%s %s %s".formatted(action.equals("CREATE") ? "Created" : "Updated", kind, declared.name()));
    }

    private void delete(ApiClient client, OperationWaiter waiter, JsonNode entry, String collection, String kind,
            String query) throws InterruptedException {
        if (!"DELETE".equals(entry.path("action").asText())) {
            return;
        }
        String name = entry.path("name").asText();
        OperationWaiter.requireSuccess(waiter.await(client.delete(collection + "/" + ApiClient.segment(name) + query)));
        say("Deleted %s %s".formatted(kind, name));
    }

    private void say(String line) {
        if (!options.json()) {
            out().println(line);
            out().flush();
        }
    }
}
