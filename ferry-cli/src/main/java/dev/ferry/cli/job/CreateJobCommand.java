package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.Converters;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCall;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.ClientOptions;
import dev.ferry.cli.client.OperationWaiter;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.JobType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", sortOptions = false, description = "Create a migration job from a source profile to a destination profile.")
public final class CreateJobCommand extends FerryCall {
    @Parameters(index = "0", paramLabel = "NAME", description = "Job name: lower-case letters, digits and dashes")
    String name;

    @Option(names = "--type", required = true, paramLabel = "TYPE", converter = Converters.Type.class,
            description = "one-time (copy, then done) or continuous (copy, then replicate changes until promoted)")
    JobType type;

    @Option(names = "--source", required = true, paramLabel = "PROFILE", description = "Connection profile to migrate from")
    String source;

    @Option(names = "--destination", required = true, paramLabel = "PROFILE", description = "Connection profile to migrate to")
    String destination;

    @Option(names = "--include", paramLabel = "PATTERN",
            description = "Only move matching objects: db, db.schema or db.schema.table, * as wildcard (repeatable)")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "Leave matching objects out, same patterns (repeatable)")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--parallelism", paramLabel = "N", converter = Converters.Parallelism.class,
            description = "Tables or ranges copied at once, 1 to 256 (default: from the cores available)")
    Integer parallelism;

    @Option(names = "--no-analyze",
            description = "Leave the destination's planner statistics to the server: the full load does not analyze the tables it copied")
    boolean noAnalyze;

    @Option(names = "--apply-partitions", paramLabel = "N", converter = Converters.ApplyPartitions.class,
            description = {"Continuous jobs: destination sessions that apply replicated changes in parallel, 1 to 64",
                    "(default: twice the server's cores, 2 to 8); read when replication starts"})
    Integer applyPartitions;

    @Option(names = "--display-name", paramLabel = "TEXT", description = "A human-friendly name")
    String displayName;

    @Option(names = "--overwrite-destination",
            description = "Drop user objects found in the destination databases before the load (otherwise such a destination is refused)")
    boolean overwriteDestination;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable)")
    Map<String, String> labels = new LinkedHashMap<>();

    @Mixin
    ReliabilityOptions reliability;

    @Mixin
    ClientOptions options;

    @Override
    protected int run() {
        if (applyPartitions != null && type != JobType.CONTINUOUS) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "--apply-partitions applies to --type continuous only");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", type.name()).put("source", source).put("destination", destination);
        if (displayName != null) {
            body.put("displayName", displayName);
        }
        labels.forEach(body.putObject("labels")::put);
        ObjectNode objects = body.putObject("objectsConfig");
        ArrayNode in = objects.putArray("include");
        include.forEach(in::add);
        ArrayNode out = objects.putArray("exclude");
        exclude.forEach(out::add);
        if (parallelism != null || applyPartitions != null || noAnalyze) {
            ObjectNode performance = body.putObject("performanceConfig");
            if (noAnalyze) {
                performance.put("analyze", false);
            }
            if (parallelism != null) {
                performance.put("parallelism", parallelism);
            }
            if (applyPartitions != null) {
                performance.put("applyPartitions", applyPartitions);
            }
        }
        if (overwriteDestination) {
            body.put("overwriteDestination", true);
        }
        reliability.putInto(body);
        ApiClient client = options.client();
        JsonNode op = client.post("/v1/migrationJobs?migrationJobId=" + ApiClient.segment(name), body);
        if (options.json()) {
            out().println(client.pretty(op));
            out().flush();
        }
        OperationWaiter.requireSuccess(op);
        if (!options.json()) {
            out().printf("Created migration job %s (%s, %s -> %s); check it with: ferry migration-jobs verify %s%n",
                    name, type, source, destination, name);
            out().flush();
        }
        return ExitCodes.OK;
    }
}
