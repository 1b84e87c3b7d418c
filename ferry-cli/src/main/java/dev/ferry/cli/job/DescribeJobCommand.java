package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.output.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "describe",
        description = "Show a migration job (with its replication lag and change pipeline when continuous), the progress of each table and its latest events.")
public final class DescribeJobCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
    String name;

    @Option(names = "--events", paramLabel = "N", description = "How many of the latest events to show (default: 10)")
    int events = 10;

    @Mixin
    ClientOptions options;

    @Override
    protected int run() {
        ApiClient client = options.client();
        String path = "/v1/migrationJobs/" + ApiClient.segment(name);
        JsonNode job = client.get(path);
        if (options.json()) {
            out().println(client.pretty(job));
            out().flush();
            return ExitCodes.OK;
        }
        JsonNode objects = client.get(path + "/objects").path("objects");
        JobView.describe(job).print(out());
        printManagedDestination(client, job.path("destination").asText());
        String pipeline = JobView.pipeline(job);
        if (!pipeline.isEmpty()) {
            out().println();
            out().print(pipeline);
        }
        out().println();
        if (objects.isEmpty()) {
            out().println("Tables: none yet (they are listed once the job starts)");
        } else {
            var progress = JobView.progress(job, objects);
            boolean continuous = "CONTINUOUS".equals(job.path("type").asText());
            out().printf("Tables: %d of %d copied%s%n", progress.tablesDone(), progress.tablesTotal(),
                    continuous ? "; %s rows applied by change replication".formatted(Units.count(progress.rowsApplied())) : "");
            JobView.objects(objects, continuous).print(out());
        }
        JsonNode validations = client.get(path + "/validations").path("validations");
        if (!validations.isEmpty()) {
            JsonNode v = validations.get(0);
            out().println();
            out().printf("Latest validation: %s %s (%s), started %s: %s%n", v.path("id").asText(), v.path("status").asText(),
                    v.path("mode").asText(), v.path("startTime").asText(), v.path("message").asText(""));
            out().printf("  Details: ferry migration-jobs validations %s %s%n", name, v.path("id").asText());
        }
        if (events > 0) {
            JsonNode latest = client.get(path + "/events?limit=" + Math.min(events, 1000)).path("events");
            out().println();
            out().println("Latest events:");
            JobView.events(latest).print(out());
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** A destination Ferry created: how to connect to it, and how to set the password to do so. */
    private void printManagedDestination(ApiClient client, String destination) {
        JsonNode profile;
        try {
            profile = client.get("/v1/connectionProfiles/" + ApiClient.segment(destination));
        } catch (dev.ferry.core.FerryException e) {
            return; // the profile is gone (the job describes what it can without it)
        }
        String url = dev.ferry.cli.profile.ProfileView.connectionString(profile);
        if (url != null) {
            out().printf("Destination %s is a managed instance; connect with: %s%n", destination, url);
            out().printf("  Set its superuser password with: %s%n", dev.ferry.cli.profile.ProfileView.setPasswordHint(destination));
        }
    }
}
