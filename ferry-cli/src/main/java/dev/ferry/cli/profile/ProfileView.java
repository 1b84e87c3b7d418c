package dev.ferry.cli.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.output.ConnectHint;
import dev.ferry.cli.output.Fields;
import dev.ferry.cli.output.Table;
import java.util.ArrayList;
import java.util.List;

/** How connection profiles look in tables and describe views, from their API JSON. Pure. */
public final class ProfileView {
    private ProfileView() {}

    public static Table list(JsonNode profiles) {
        Table table = Table.of("NAME", "ENGINE", "KIND", "ENDPOINT", "STATE", "CREATED");
        for (JsonNode p : profiles) {
            table.row(p.path("name").asText(), engine(p), kind(p), endpoint(p), p.path("state").asText(),
                    text(p, "createTime"));
        }
        return table;
    }

    public static Fields describe(JsonNode p) {
        Fields fields = new Fields()
                .add("Name", p.path("name").asText())
                .add("Display name", text(p, "displayName"))
                .add("State", text(p, "state"))
                .add("Error", text(p, "error"))
                .add("Engine", engine(p))
                .add("Kind", kind(p));
        JsonNode managed = p.path("managedInstance");
        if (!managed.isMissingNode()) {
            fields.add("Version", text(managed, "version"))
                    .add("Requested port", text(managed, "port"))
                    .add("Flags", pairs(managed.path("databaseFlags")))
                    .add("Endpoint", endpoint(p))
                    .add("Username", text(managed.path("endpoint"), "username"))
                    .add("Root password", managed.path("rootPasswordSet").asBoolean() ? "set (never shown)" : "not set");
            String url = connectionString(p);
            if (url != null) {
                fields.add("Connect with", url)
                        .add("Set password", setPasswordHint(p.path("name").asText()));
            }
        } else {
            JsonNode c = connection(p);
            fields.add("Host", text(c, "host"))
                    .add("Port", text(c, "port"))
                    .add("Username", text(c, "username"))
                    .add("Password", c.path("passwordSet").asBoolean() ? "set (never shown)" : "not set")
                    .add("Database", text(c, "database"))
                    .add("TLS mode", text(c.path("ssl"), "mode"))
                    .add("TLS CA certificate", c.path("ssl").path("caCertificateSet").asBoolean() ? "set" : "none (the JDK's CAs)")
                    .add("TLS client certificate", c.path("ssl").path("clientCertificateSet").asBoolean() ? "set" : "none");
        }
        return fields.add("Labels", pairs(p.path("labels")))
                .add("Created", text(p, "createTime"))
                .add("Updated", text(p, "updateTime"));
    }

    /**
     * A ready connection string of a running managed instance, without password ({@code postgresql://postgres@H:P/postgres},
     * {@code mysql://root@H:P/}); null for an existing server or an instance without endpoint yet.
     */
    public static String connectionString(JsonNode p) {
        JsonNode endpoint = p.path("managedInstance").path("endpoint");
        if (!endpoint.has("host")) {
            return null;
        }
        return ConnectHint.url(engine(p), endpoint.path("host").asText(), endpoint.path("port").asInt(),
                endpoint.path("username").asText(), null);
    }

    /** How the user sets (and so learns) the superuser password of managed instance {@code name}. */
    public static String setPasswordHint(String name) {
        return "ferry connection-profiles set-root-password %s --password-env VAR (the password is never shown)".formatted(name);
    }

    static String engine(JsonNode p) {
        if (p.has("postgresql")) {
            return "postgresql";
        }
        if (p.has("mysql")) {
            return "mysql";
        }
        return p.path("managedInstance").path("engine").asText("-");
    }

    static String kind(JsonNode p) {
        return p.has("managedInstance")
                ? "managed (" + p.path("managedInstance").path("provisioner").asText("local") + ")"
                : "existing";
    }

    /** {@code host:port} of the server or of the created instance; {@code -} while it is being created. */
    static String endpoint(JsonNode p) {
        JsonNode at = p.has("managedInstance") ? p.path("managedInstance").path("endpoint") : connection(p);
        if (at.isMissingNode() || !at.has("host")) {
            return "-";
        }
        return at.path("host").asText() + ":" + at.path("port").asText();
    }

    private static JsonNode connection(JsonNode p) {
        return p.has("postgresql") ? p.path("postgresql") : p.path("mysql");
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    static String pairs(JsonNode object) {
        List<String> pairs = new ArrayList<>();
        object.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", pairs);
    }
}
