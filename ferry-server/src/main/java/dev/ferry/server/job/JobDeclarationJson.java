package dev.ferry.server.job;

import dev.ferry.control.declare.DesiredState;
import dev.ferry.control.job.JobDeclaration;
import java.util.Map;

/**
 * The body of {@code PUT /v1/migrationJobs/NAME}: a job's definition as {@code POST} takes it, plus an optional
 * {@code desiredState} ({@code running} or {@code stopped}) that starts, resumes or stops the job.
 */
public record JobDeclarationJson(
        String name,
        String displayName,
        Map<String, String> labels,
        String type,
        String source,
        String destination,
        JobJson.ObjectsJson objectsConfig,
        JobJson.PerformanceJson performanceConfig,
        Boolean overwriteDestination,
        JobJson.ReliabilityJson reliabilityConfig,
        String desiredState) {

    /** The declaration for job {@code id} (the path's name, which a name in the body must equal). */
    public JobDeclaration toDeclaration(String id) {
        var definition = new JobJson(name, displayName, labels, type, source, destination, objectsConfig,
                performanceConfig, null, null, null, null, null, null, null, null, null, overwriteDestination,
                reliabilityConfig, null, null, null, null, null, null, null).toRequest(id);
        return new JobDeclaration(definition, DesiredState.parse(desiredState));
    }
}
