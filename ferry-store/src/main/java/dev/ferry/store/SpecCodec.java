package dev.ferry.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionSpec;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.store.secret.SecretBox;
import java.util.TreeMap;

/**
 * A connection profile's spec as JSON, with every secret sealed by the {@link SecretBox}: the JSON
 * never holds a password in clear. Null fields are written as JSON null and read back as null.
 * Thread-safe.
 */
final class SpecCodec {
    static final String CONNECTION = "connection";
    static final String MANAGED_INSTANCE = "managedInstance";

    private final SecretBox secrets;

    SpecCodec(SecretBox secrets) {
        this.secrets = secrets;
    }

    static String kind(ConnectionSpec spec) {
        return switch (spec) {
            case DatabaseConnection c -> CONNECTION;
            case ManagedInstance m -> MANAGED_INSTANCE;
        };
    }

    String write(ConnectionSpec spec) {
        return JsonColumns.write(switch (spec) {
            case DatabaseConnection c -> connection(c);
            case ManagedInstance m -> managed(m);
        });
    }

    /** Reads the spec of profile {@code profile}; a secret that cannot be decrypted fails naming the profile. */
    ConnectionSpec read(String json, String profile) {
        String owner = "connection profile " + profile;
        JsonNode node = JsonColumns.parse(json, owner);
        try {
            return switch (node.path("kind").asText()) {
                case CONNECTION -> connection(node, owner);
                case MANAGED_INSTANCE -> managed(node, owner);
                default -> throw JsonColumns.unreadable(owner, null);
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw JsonColumns.unreadable(owner, e);
        } catch (FerryException e) {
            // The model's own checks (host required, port range) failing here means the row is damaged.
            throw e.code() == ErrorCode.INVALID_ARGUMENT ? JsonColumns.unreadable(owner, e) : e;
        }
    }

    private ObjectNode connection(DatabaseConnection c) {
        ObjectNode node = JsonColumns.MAPPER.createObjectNode();
        node.put("kind", CONNECTION);
        node.put("engine", c.engine().name());
        node.put("host", c.host());
        node.put("port", c.port());
        node.put("username", c.username());
        node.put("password", seal(c.password()));
        node.put("database", c.database());
        node.put("sslMode", c.sslMode());
        return node;
    }

    private ObjectNode managed(ManagedInstance m) {
        ObjectNode node = JsonColumns.MAPPER.createObjectNode();
        node.put("kind", MANAGED_INSTANCE);
        node.put("engine", m.engine().name());
        node.put("version", m.version());
        node.put("port", m.port());
        ObjectNode flags = node.putObject("databaseFlags");
        new TreeMap<>(m.databaseFlags()).forEach(flags::put);
        node.put("rootPassword", seal(m.rootPassword()));
        node.put("provisioner", m.provisioner());
        if (m.endpoint() == null) {
            node.putNull("endpoint");
        } else {
            node.set("endpoint", connection(m.endpoint()));
        }
        return node;
    }

    private DatabaseConnection connection(JsonNode node, String owner) {
        if (!CONNECTION.equals(node.path("kind").asText()) || !node.path("port").isInt()) {
            throw JsonColumns.unreadable(owner, null);
        }
        return new DatabaseConnection(EngineKind.valueOf(node.path("engine").asText()), text(node, "host"),
                node.path("port").intValue(), text(node, "username"), open(text(node, "password"), owner),
                text(node, "database"), text(node, "sslMode"));
    }

    private ManagedInstance managed(JsonNode node, String owner) {
        JsonNode port = node.path("port");
        JsonNode endpoint = node.path("endpoint");
        return new ManagedInstance(EngineKind.valueOf(node.path("engine").asText()), text(node, "version"),
                port.isInt() ? port.intValue() : null,
                JsonColumns.stringMap(node.path("databaseFlags"), owner),
                open(text(node, "rootPassword"), owner), text(node, "provisioner"),
                endpoint.isObject() ? connection(endpoint, owner) : null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }

    private String seal(Secret secret) {
        return secret == null ? null : secrets.seal(secret);
    }

    private Secret open(String sealed, String owner) {
        if (sealed == null) {
            return null;
        }
        try {
            return secrets.open(sealed);
        } catch (FerryException e) {
            throw new FerryException(e.code(), "Cannot read %s. %s".formatted(owner, e.getMessage()), e);
        }
    }
}
