package dev.ferry.control.job;

import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import java.util.Map;

/** Changes to a migration job; every null field is left as it is. */
public record JobPatch(
        String displayName, Map<String, String> labels, ObjectsConfig objectsConfig, PerformanceConfig performanceConfig) {}
