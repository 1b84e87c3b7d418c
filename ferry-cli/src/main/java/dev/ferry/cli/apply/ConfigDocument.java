package dev.ferry.cli.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ferry.server.job.JobJson;
import java.util.List;
import java.util.Map;

/**
 * A Ferry configuration file: connection profiles and migration jobs in the API's own shape, with secrets as
 * references ({@code passwordEnv} / {@code passwordFile}), never as values. {@code ferry apply} reads it and
 * {@code ferry export} writes it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConfigDocument(List<Profile> connectionProfiles, List<Job> migrationJobs) {

    public ConfigDocument {
        connectionProfiles = connectionProfiles == null ? List.of() : List.copyOf(connectionProfiles);
        migrationJobs = migrationJobs == null ? List.of() : List.copyOf(migrationJobs);
    }

    /** A connection profile: exactly one of {@code postgresql}, {@code mysql} and {@code managedInstance}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"name", "displayName", "labels", "postgresql", "mysql", "managedInstance"})
    public record Profile(String name, String displayName, Map<String, String> labels, Server postgresql, Server mysql,
            Managed managedInstance) {}

    /** An existing server; the password comes from an environment variable or the first line of a file. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"host", "port", "username", "passwordEnv", "passwordFile", "database", "ssl"})
    public record Server(String host, Integer port, String username, String passwordEnv, String passwordFile,
            String database, Ssl ssl) {}

    /**
     * TLS to the server. Certificates are PEM, inline or in a file; the client key only ever in a file. Relative paths
     * are read from the configuration file's folder.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"mode", "caCertificate", "caCertificateFile", "clientCertificate", "clientCertificateFile",
            "clientKeyFile", "allowPublicKeyRetrieval"})
    public record Ssl(String mode, String caCertificate, String caCertificateFile, String clientCertificate,
            String clientCertificateFile, String clientKeyFile, Boolean allowPublicKeyRetrieval) {}

    /**
     * An instance Ferry creates. Its root password, when given, comes from an environment variable or a file; left
     * out, Ferry generates one at creation and apply leaves it as it is.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"engine", "version", "port", "databaseFlags", "rootPasswordEnv", "rootPasswordFile", "provisioner"})
    public record Managed(String engine, String version, Integer port, Map<String, String> databaseFlags,
            String rootPasswordEnv, String rootPasswordFile, String provisioner) {}

    /**
     * A migration job as {@code POST /v1/migrationJobs} takes it, plus {@code desiredState} ({@code running} or
     * {@code stopped}; left out, apply leaves the job's lifecycle alone).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"name", "displayName", "labels", "type", "source", "destination", "objectsConfig",
            "performanceConfig", "reliabilityConfig", "overwriteDestination", "desiredState"})
    public record Job(String name, String displayName, Map<String, String> labels, String type, String source,
            String destination, JobJson.ObjectsJson objectsConfig, JobJson.PerformanceJson performanceConfig,
            JobJson.ReliabilityJson reliabilityConfig, Boolean overwriteDestination, String desiredState) {}
}
