package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = {"Check a job before moving data: connectivity, versions, settings, privileges, "
        + "destination emptiness.", "Exits 1 when any finding is an ERROR."})
public final class VerifyJobCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Job name")
    String name;

    @Mixin
    ClientOptions options;

    @Override
    protected int run() {
        ApiClient client = options.client();
        JsonNode answer = client.post("/v1/migrationJobs/" + ApiClient.segment(name) + ":verify", null);
        JsonNode findings = answer.path("findings");
        boolean errors = false;
        for (JsonNode f : findings) {
            errors |= "ERROR".equals(f.path("severity").asText());
        }
        if (options.json()) {
            out().println(client.pretty(answer));
        } else if (findings.isEmpty()) {
            out().printf("No findings: migration job %s is ready to start%n", name);
        } else {
            JobView.findings(findings).print(out());
            out().println(errors ? "Fix the ERROR findings, then verify again." : "No errors: the job can start.");
        }
        out().flush();
        return errors ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
