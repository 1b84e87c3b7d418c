package dev.ferry.control.job;

import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import java.util.Map;

/**
 * What a caller asks for when creating a migration job; null optional fields take defaults.
 * {@code overwriteDestination} acknowledges that user objects already in the destination databases are dropped.
 */
public record JobRequest(
        String name,
        String displayName,
        Map<String, String> labels,
        JobType type,
        String source,
        String destination,
        ObjectsConfig objectsConfig,
        PerformanceConfig performanceConfig,
        boolean overwriteDestination,
        ReliabilityConfig reliabilityConfig) {

    /** A request with the default reliability settings. */
    public JobRequest(String name, String displayName, Map<String, String> labels, JobType type, String source,
            String destination, ObjectsConfig objectsConfig, PerformanceConfig performanceConfig,
            boolean overwriteDestination) {
        this(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig,
                overwriteDestination, null);
    }

    /** A request that leaves a non-empty destination refused. */
    public JobRequest(String name, String displayName, Map<String, String> labels, JobType type, String source,
            String destination, ObjectsConfig objectsConfig, PerformanceConfig performanceConfig) {
        this(name, displayName, labels, type, source, destination, objectsConfig, performanceConfig, false);
    }
}
