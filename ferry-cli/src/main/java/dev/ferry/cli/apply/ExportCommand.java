package dev.ferry.cli.apply;

import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "export",
        description = {"Print the server's connection profiles and migration jobs as a configuration file for ferry apply.",
                "Secrets are never printed: a password becomes passwordEnv: FERRY_PASSWORD_<PROFILE> (set that variable",
                "before applying) and certificates become files named in the header. Save it with: ferry export > ferry.yaml",
                "With --format json the same document is printed as JSON (which ferry apply reads too)."})
public final class ExportCommand extends FerryCall {
    @Mixin
    ClientOptions options;

    @Override
    protected int run() {
        ApiClient client = options.client();
        var exporter = new Exporter();
        var document = exporter.document(client.get(Plan.PROFILES).path("connectionProfiles"),
                client.get(Plan.JOBS).path("migrationJobs"));
        out().print(options.json() ? exporter.json(document) : exporter.yaml(document));
        out().flush();
        return ExitCodes.OK;
    }
}
