package dev.ferry.cli.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TlsMode;
import dev.ferry.server.job.JobJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the API's answers into a configuration document that {@code ferry apply} takes back unchanged. Secrets
 * become references the user fills in: a password becomes {@code passwordEnv: FERRY_PASSWORD_<PROFILE>}, certificates
 * {@code ...File: <profile>-ca.pem} and the like, listed in the header. Settings equal to their defaults are left out.
 * Pure.
 */
final class Exporter {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
            .build();

    private static final ObjectMapper YAML_AS_JSON = JsonMapper.builder()
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY))
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Map<String, String> references = new LinkedHashMap<>();

    /** The document for the profiles and jobs of {@code GET /v1/connectionProfiles} and {@code GET /v1/migrationJobs}. */
    ConfigDocument document(JsonNode profiles, JsonNode jobs) {
        List<ConfigDocument.Profile> p = new ArrayList<>();
        profiles.forEach(profile -> p.add(profile(profile)));
        List<ConfigDocument.Job> j = new ArrayList<>();
        jobs.forEach(job -> j.add(job(job)));
        return new ConfigDocument(p, j);
    }

    /** The file's text: a header naming the secrets to provide, then the YAML. */
    String yaml(ConfigDocument document) {
        StringBuilder text = new StringBuilder("# Ferry configuration, written by ferry export. Apply it with: ferry apply -f FILE\n");
        if (!references.isEmpty()) {
            text.append("# Secrets are references, never values. Before applying, provide:\n");
            references.forEach((reference, what) -> text.append("#   ").append(reference).append("  ").append(what).append('\n'));
        }
        try {
            return text.append(YAML.writeValueAsString(document)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as YAML", e);
        }
    }

    /** The document as JSON, a subset of YAML that {@code ferry apply} reads as well; the references are in it. */
    String json(ConfigDocument document) {
        try {
            return YAML_AS_JSON.writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as JSON", e);
        }
    }

    private ConfigDocument.Profile profile(JsonNode p) {
        String name = p.path("name").asText();
        ConfigDocument.Server postgresql = p.has("postgresql") ? server(name, p.path("postgresql")) : null;
        ConfigDocument.Server mysql = p.has("mysql") ? server(name, p.path("mysql")) : null;
        ConfigDocument.Managed managed = p.has("managedInstance") ? managed(p.path("managedInstance")) : null;
        return new ConfigDocument.Profile(name, text(p, "displayName"), labels(p.path("labels")), postgresql, mysql, managed);
    }

    private ConfigDocument.Server server(String profile, JsonNode c) {
        String passwordEnv = null;
        if (c.path("passwordSet").asBoolean()) {
            passwordEnv = "FERRY_PASSWORD_" + profile.toUpperCase(Locale.ROOT).replace('-', '_');
            references.put("$" + passwordEnv, "the password of connection profile " + profile);
        }
        JsonNode ssl = c.path("ssl");
        String mode = text(ssl, "mode");
        String ca = null;
        String cert = null;
        String key = null;
        if (ssl.path("caCertificateSet").asBoolean()) {
            ca = reference(profile + "-ca.pem", "the CA certificate (PEM) of connection profile " + profile);
        }
        if (ssl.path("clientCertificateSet").asBoolean()) {
            cert = reference(profile + "-client.pem", "the client certificate (PEM) of connection profile " + profile);
            key = reference(profile + "-client.key", "the client key (PKCS#8 PEM) of connection profile " + profile);
        }
        Boolean retrieval = ssl.path("allowPublicKeyRetrieval").asBoolean() ? Boolean.TRUE : null;
        boolean defaultMode = mode == null || TlsMode.DEFAULT.id().equals(mode);
        ConfigDocument.Ssl tls = defaultMode && ca == null && cert == null && retrieval == null ? null
                : new ConfigDocument.Ssl(defaultMode ? null : mode, null, ca, null, cert, key, retrieval);
        return new ConfigDocument.Server(text(c, "host"), c.path("port").isNumber() ? c.path("port").asInt() : null,
                text(c, "username"), passwordEnv, null, text(c, "database"), tls);
    }

    private String reference(String file, String what) {
        references.put(file, what + ", in this file beside the configuration");
        return file;
    }

    private static ConfigDocument.Managed managed(JsonNode m) {
        String provisioner = text(m, "provisioner");
        return new ConfigDocument.Managed(text(m, "engine"), text(m, "version"),
                m.path("port").isNumber() ? m.path("port").asInt() : null, labels(m.path("databaseFlags")), null, null,
                "local".equals(provisioner) ? null : provisioner);
    }

    private static ConfigDocument.Job job(JsonNode j) {
        JobJson.ObjectsJson objects = JSON.convertValue(j.path("objectsConfig"), JobJson.ObjectsJson.class);
        boolean allObjects = objects == null || (empty(objects.include()) && empty(objects.exclude()));
        JobJson.PerformanceJson performance = JSON.convertValue(j.path("performanceConfig"), JobJson.PerformanceJson.class);
        if (performance != null) {
            performance = new JobJson.PerformanceJson(positive(performance.parallelism()), positive(performance.applyPartitions()),
                    Boolean.FALSE.equals(performance.analyze()) ? Boolean.FALSE : null);
            if (performance.parallelism() == null && performance.applyPartitions() == null && performance.analyze() == null) {
                performance = null;
            }
        }
        return new ConfigDocument.Job(j.path("name").asText(), text(j, "displayName"), labels(j.path("labels")),
                text(j, "type"), text(j, "source"), text(j, "destination"), allObjects ? null : objects, performance,
                reliability(j.path("reliabilityConfig")), j.path("overwriteDestination").asBoolean() ? Boolean.TRUE : null,
                desiredState(text(j, "state")));
    }

    /** The settings that differ from the defaults, or null when none does. */
    private static JobJson.ReliabilityJson reliability(JsonNode given) {
        if (!given.isObject()) {
            return null;
        }
        JsonNode defaults = JSON.valueToTree(JobJson.ReliabilityJson.of(ReliabilityConfig.DEFAULT));
        ObjectNode differing = JSON.createObjectNode();
        given.properties().forEach(field -> {
            if (!field.getValue().equals(defaults.path(field.getKey()))) {
                differing.set(field.getKey(), field.getValue());
            }
        });
        return differing.isEmpty() ? null : JSON.convertValue(differing, JobJson.ReliabilityJson.class);
    }

    /** {@code running} for a job at work, {@code stopped} for a stopped one; otherwise left to the verbs. */
    private static String desiredState(String state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case "STARTING", "RUNNING", "RESUMING", "RESTARTING" -> "running";
            case "STOPPING", "STOPPED" -> "stopped";
            default -> null;
        };
    }

    private static Integer positive(Integer value) {
        return value == null || value <= 0 ? null : value;
    }

    private static boolean empty(List<String> list) {
        return list == null || list.isEmpty();
    }

    private static Map<String, String> labels(JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }
}
