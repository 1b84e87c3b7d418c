package dev.ferry.control.job;

import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import java.util.Map;

/** Changes to a migration job; every null field is left as it is. */
public record JobPatch(
        String displayName, Map<String, String> labels, ObjectsConfig objectsConfig, PerformanceConfig performanceConfig,
        ReliabilityConfig reliabilityConfig) {

    /** A patch that leaves the reliability settings as they are. */
    public JobPatch(String displayName, Map<String, String> labels, ObjectsConfig objectsConfig,
            PerformanceConfig performanceConfig) {
        this(displayName, labels, objectsConfig, performanceConfig, null);
    }
}
