package dev.ferry.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON text kept in the store's structured columns. The shapes are written out field by field so
 * that renaming a Java record never silently changes (or breaks reading) what is on disk. Thread-safe.
 */
final class JsonColumns {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonColumns() {}

    static String labels(Map<String, String> labels) {
        ObjectNode node = MAPPER.createObjectNode();
        new TreeMap<>(labels).forEach(node::put);
        return write(node);
    }

    static Map<String, String> labels(String json, String owner) {
        return stringMap(parse(json, owner), owner);
    }

    static String objectsConfig(ObjectsConfig config) {
        ObjectNode node = MAPPER.createObjectNode();
        config.include().forEach(node.putArray("include")::add);
        config.exclude().forEach(node.putArray("exclude")::add);
        return write(node);
    }

    static ObjectsConfig objectsConfig(String json, String owner) {
        JsonNode node = parse(json, owner);
        return new ObjectsConfig(strings(node.path("include")), strings(node.path("exclude")));
    }

    static String performanceConfig(PerformanceConfig config) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("parallelism", config.parallelism());
        if (config.analyze() != null) {
            node.put("analyze", config.analyze());
        }
        if (config.applyPartitions() != null) {
            node.put("applyPartitions", config.applyPartitions());
        }
        return write(node);
    }

    /** Rows written before {@code applyPartitions} existed hold only {@code parallelism}: theirs is the default. */
    static PerformanceConfig performanceConfig(String json, String owner) {
        JsonNode node = parse(json, owner);
        JsonNode parallelism = node.path("parallelism");
        JsonNode applyPartitions = node.path("applyPartitions");
        JsonNode analyze = node.path("analyze");
        try {
            return new PerformanceConfig(parallelism.isNumber() ? parallelism.intValue() : null,
                    applyPartitions.isNumber() ? applyPartitions.intValue() : null,
                    analyze.isBoolean() ? analyze.booleanValue() : null);
        } catch (FerryException e) {
            throw unreadable(owner, e);
        }
    }

    static String reliabilityConfig(ReliabilityConfig config) {
        ObjectNode node = MAPPER.createObjectNode();
        putDuration(node, "faultBudget", config.faultBudget());
        putDuration(node, "stallTimeout", config.stallTimeout());
        if (config.yieldToDdl() != null) {
            node.put("yieldToDdl", config.yieldToDdl());
        }
        putDuration(node, "lockWait", config.lockWait());
        if (config.onDivergence() != null) {
            node.put("onDivergence", config.onDivergence().name());
        }
        if (config.maxSourceConnections() != null) {
            node.put("maxSourceConnections", config.maxSourceConnections());
        }
        if (config.readBytesPerSecond() != null) {
            node.put("readBytesPerSecond", config.readBytesPerSecond());
        }
        if (config.captureDdl() != null) {
            node.put("captureDdl", config.captureDdl());
        }
        if (config.keepDroppedColumns() != null) {
            node.put("keepDroppedColumns", config.keepDroppedColumns());
        }
        if (config.validation() != null) {
            node.put("validation", config.validation().name());
        }
        if (config.validateOnPromote() != null) {
            node.put("validateOnPromote", config.validateOnPromote());
        }
        if (config.validationRowsPerSecond() != null) {
            node.put("validationRowsPerSecond", config.validationRowsPerSecond());
        }
        return write(node);
    }

    static ReliabilityConfig reliabilityConfig(String json, String owner) {
        if (json == null) {
            return ReliabilityConfig.DEFAULT;
        }
        JsonNode node = parse(json, owner);
        try {
            JsonNode yield = node.path("yieldToDdl");
            JsonNode divergence = node.path("onDivergence");
            JsonNode connections = node.path("maxSourceConnections");
            JsonNode read = node.path("readBytesPerSecond");
            JsonNode capture = node.path("captureDdl");
            JsonNode keep = node.path("keepDroppedColumns");
            JsonNode validation = node.path("validation");
            JsonNode onPromote = node.path("validateOnPromote");
            JsonNode rate = node.path("validationRowsPerSecond");
            return new ReliabilityConfig(duration(node, "faultBudget"), duration(node, "stallTimeout"),
                    yield.isBoolean() ? yield.booleanValue() : null, duration(node, "lockWait"),
                    divergence.isTextual() ? DivergencePolicy.valueOf(divergence.asText()) : null,
                    connections.isNumber() ? connections.intValue() : null, read.isNumber() ? read.longValue() : null,
                    capture.isBoolean() ? capture.booleanValue() : null, keep.isBoolean() ? keep.booleanValue() : null,
                    validation.isTextual() ? dev.ferry.core.model.ValidationMode.valueOf(validation.asText()) : null,
                    onPromote.isBoolean() ? onPromote.booleanValue() : null, rate.isNumber() ? rate.longValue() : null);
        } catch (IllegalArgumentException e) {
            throw unreadable(owner, e);
        }
    }

    private static void putDuration(ObjectNode node, String field, java.time.Duration value) {
        if (value != null) {
            node.put(field + "Millis", value.toMillis());
        }
    }

    private static java.time.Duration duration(JsonNode node, String field) {
        JsonNode millis = node.path(field + "Millis");
        return millis.isNumber() ? java.time.Duration.ofMillis(millis.longValue()) : null;
    }

    /** A job or operation error, or null. */
    static String error(JobError error) {
        if (error == null) {
            return null;
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put("code", error.code().name());
        node.put("message", error.message());
        return write(node);
    }

    static JobError error(String json, String owner) {
        if (json == null) {
            return null;
        }
        JsonNode node = parse(json, owner);
        try {
            return new JobError(ErrorCode.valueOf(node.path("code").asText()), node.path("message").asText());
        } catch (IllegalArgumentException e) {
            throw unreadable(owner, e);
        }
    }

    static Map<String, String> stringMap(JsonNode node, String owner) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw unreadable(owner, null);
        }
        Map<String, String> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    static JsonNode parse(String json, String owner) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw unreadable(owner, e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    static FerryException unreadable(String owner, Throwable cause) {
        return new FerryException(ErrorCode.INTERNAL,
                "The stored data of %s is damaged and cannot be read; restore the store from backup or recreate %s"
                        .formatted(owner, owner), cause);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array instanceof ArrayNode items) {
            items.forEach(item -> values.add(item.asText()));
        }
        return values;
    }
}
