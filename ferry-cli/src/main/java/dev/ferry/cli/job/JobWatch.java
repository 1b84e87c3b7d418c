package dev.ferry.cli.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.progress.ProgressDisplay;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Follows a job on the server until it settles, with the progress display on standard error:
 * COMPLETED exits 0; FAILED prints the error and exits 1; STOPPED exits 1; unless told to follow
 * until the end, a continuous job whose initial copy is done (phase CDC or READY_FOR_PROMOTE) exits 0
 * with the advice to promote.
 */
final class JobWatch {
    private static final Duration POLL = Duration.ofSeconds(1);

    private final ApiClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ProgressDisplay display;

    JobWatch(ApiClient client, PrintWriter out, PrintWriter err, ProgressDisplay display) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.display = display;
    }

    int watch(String name) throws InterruptedException {
        return watch(name, false);
    }

    /** With {@code untilEnd}, a replicating job is followed too (a promotion in progress), until it settles. */
    int watch(String name, boolean untilEnd) throws InterruptedException {
        return watch(name, untilEnd, null);
    }

    /**
     * As {@link #watch(String, boolean)}, and ends as soon as {@code operation} (the promotion's, or null) ends with an
     * error: a refused promotion leaves the job replicating, so the job alone would never settle.
     */
    int watch(String name, boolean untilEnd, JsonNode operation) throws InterruptedException {
        String path = "/v1/migrationJobs/" + ApiClient.segment(name);
        String operationPath = operation == null || operation.path("done").asBoolean()
                ? null : "/v1/operations/" + ApiClient.segment(operation.path("name").asText());
        while (true) {
            JsonNode job = client.get(path);
            JsonNode objects = client.get(path + "/objects").path("objects");
            var progress = JobView.progress(job, objects);
            String state = job.path("state").asText();
            String phase = job.path("phase").asText("");
            boolean replicating = "CONTINUOUS".equals(job.path("type").asText()) && "RUNNING".equals(state)
                    && ("CDC".equals(phase) || "READY_FOR_PROMOTE".equals(phase));
            switch (state) {
                case "COMPLETED" -> {
                    display.finish(progress);
                    out.printf("Migration job %s completed in %s%n", name, job.path("duration").asText());
                    out.flush();
                    return ExitCodes.OK;
                }
                case "FAILED" -> {
                    display.finish(progress);
                    JsonNode error = job.path("error");
                    err.printf("Migration job %s failed: %s%n", name, error.path("message").asText("no error recorded"));
                    err.flush();
                    return ExitCodes.FAILED;
                }
                case "STOPPED" -> {
                    display.finish(progress);
                    err.printf("Migration job %s stopped; continue it with: ferry migration-jobs resume %s%n", name, name);
                    err.flush();
                    return ExitCodes.FAILED;
                }
                default -> {
                    if (replicating && !untilEnd) {
                        display.finish(progress);
                        out.printf("Migration job %s copied its tables and now replicates changes (phase %s); "
                                + "cut over with: ferry migration-jobs promote %s%n", name, phase, name);
                        out.flush();
                        return ExitCodes.OK;
                    }
                    display.update(progress);
                    if (operationPath != null) {
                        JsonNode op = client.get(operationPath);
                        JsonNode error = op.path("error");
                        if (op.path("done").asBoolean() && !error.isMissingNode() && !error.isNull()) {
                            display.finish(progress);
                            err.printf("Promotion of migration job %s ended without promoting (%s): %s%n", name,
                                    error.path("code").asText(), error.path("message").asText("no reason recorded"));
                            err.flush();
                            return ExitCodes.FAILED;
                        }
                        if (op.path("done").asBoolean()) {
                            operationPath = null;
                        }
                    }
                }
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
