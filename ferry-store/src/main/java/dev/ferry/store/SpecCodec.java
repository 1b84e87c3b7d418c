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
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.store.secret.SecretBox;
import java.util.TreeMap;

/**
 * A connection profile's spec as JSON, with every secret sealed by the {@link SecretBox} for its
 * profile ({@code connectionProfiles/NAME} is the associated data): the JSON never holds a password in
 * clear, and a sealed value copied into another profile's row does not open. The TLS material (CA
 * certificate, client certificate and key) is sealed too, so that no one who can write the store can swap
 * in a CA of theirs. A connection without {@code sslMode} was stored before new profiles defaulted to
 * {@code require}, and keeps {@code prefer}. Null fields are written as
 * JSON null and read back as null. Thread-safe.
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

    /** The spec of profile {@code profile} as JSON, its secrets sealed for that profile with the active key. */
    String write(ConnectionSpec spec, String profile) {
        Sealer sealer = new Sealer(profile, false);
        return JsonColumns.write(switch (spec) {
            case DatabaseConnection c -> connection(c, sealer);
            case ManagedInstance m -> managed(m, sealer);
        });
    }

    /** Reads the spec of profile {@code profile}; a secret that cannot be decrypted fails naming the profile. */
    ConnectionSpec read(String json, String profile) {
        return read(json, profile, false);
    }

    /** Reads a spec whose secrets may still be in the first format (no owner), to seal them again. */
    ConnectionSpec readForUpgrade(String json, String profile) {
        return read(json, profile, true);
    }

    /**
     * True when some secret of the JSON is sealed in the first format, or, unless {@code legacyOnly}, with
     * a key that is not the active one.
     */
    boolean needsResealing(String json, String profile, boolean legacyOnly) {
        return anyStale(JsonColumns.parse(json, "connection profile " + profile), legacyOnly);
    }

    private boolean anyStale(JsonNode node, boolean legacyOnly) {
        if (node.isTextual()) {
            String text = node.textValue();
            return SecretBox.isLegacy(text) || !legacyOnly && text.startsWith("v2:") && !secrets.isCurrent(text);
        }
        for (JsonNode child : node) {
            if (anyStale(child, legacyOnly)) {
                return true;
            }
        }
        return false;
    }

    private ConnectionSpec read(String json, String profile, boolean legacyAllowed) {
        String owner = "connection profile " + profile;
        JsonNode node = JsonColumns.parse(json, owner);
        Sealer sealer = new Sealer(profile, legacyAllowed);
        try {
            return switch (node.path("kind").asText()) {
                case CONNECTION -> connection(node, owner, sealer);
                case MANAGED_INSTANCE -> managed(node, owner, sealer);
                default -> throw JsonColumns.unreadable(owner, null);
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            throw JsonColumns.unreadable(owner, e);
        } catch (FerryException e) {
            // The model's own checks (host required, port range) failing here means the row is damaged.
            throw e.code() == ErrorCode.INVALID_ARGUMENT ? JsonColumns.unreadable(owner, e) : e;
        }
    }

    private ObjectNode connection(DatabaseConnection c, Sealer sealer) {
        ObjectNode node = JsonColumns.MAPPER.createObjectNode();
        node.put("kind", CONNECTION);
        node.put("engine", c.engine().name());
        node.put("host", c.host());
        node.put("port", c.port());
        node.put("username", c.username());
        node.put("password", sealer.seal(c.password()));
        node.put("database", c.database());
        node.put("sslMode", c.sslMode().id());
        node.put("caCertificate", sealer.seal(Secret.of(c.tls().caCertificate())));
        node.put("clientCertificate", sealer.seal(Secret.of(c.tls().clientCertificate())));
        node.put("clientKey", sealer.seal(c.tls().clientKey()));
        node.put("allowPublicKeyRetrieval", c.tls().allowPublicKeyRetrieval());
        return node;
    }

    private ObjectNode managed(ManagedInstance m, Sealer sealer) {
        ObjectNode node = JsonColumns.MAPPER.createObjectNode();
        node.put("kind", MANAGED_INSTANCE);
        node.put("engine", m.engine().name());
        node.put("version", m.version());
        node.put("port", m.port());
        ObjectNode flags = node.putObject("databaseFlags");
        new TreeMap<>(m.databaseFlags()).forEach(flags::put);
        node.put("rootPassword", sealer.seal(m.rootPassword()));
        node.put("provisioner", m.provisioner());
        if (m.endpoint() == null) {
            node.putNull("endpoint");
        } else {
            node.set("endpoint", connection(m.endpoint(), sealer));
        }
        return node;
    }

    private DatabaseConnection connection(JsonNode node, String owner, Sealer sealer) {
        if (!CONNECTION.equals(node.path("kind").asText()) || !node.path("port").isInt()) {
            throw JsonColumns.unreadable(owner, null);
        }
        // Rows written before TLS modes had a default hold none: they keep what that meant (prefer).
        TlsMode mode = TlsMode.parse(text(node, "sslMode"));
        var tls = new TlsOptions(reveal(sealer.open(text(node, "caCertificate"), owner)),
                reveal(sealer.open(text(node, "clientCertificate"), owner)), sealer.open(text(node, "clientKey"), owner),
                node.path("allowPublicKeyRetrieval").asBoolean(false));
        return new DatabaseConnection(EngineKind.valueOf(node.path("engine").asText()), text(node, "host"),
                node.path("port").intValue(), text(node, "username"), sealer.open(text(node, "password"), owner),
                text(node, "database"), mode == null ? TlsMode.LEGACY_DEFAULT : mode, tls);
    }

    private static String reveal(Secret secret) {
        return secret == null ? null : secret.reveal();
    }

    private ManagedInstance managed(JsonNode node, String owner, Sealer sealer) {
        JsonNode port = node.path("port");
        JsonNode endpoint = node.path("endpoint");
        return new ManagedInstance(EngineKind.valueOf(node.path("engine").asText()), text(node, "version"),
                port.isInt() ? port.intValue() : null,
                JsonColumns.stringMap(node.path("databaseFlags"), owner),
                sealer.open(text(node, "rootPassword"), owner), text(node, "provisioner"),
                endpoint.isObject() ? connection(endpoint, owner, sealer) : null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }

    /** Seals and opens the secrets of one profile, bound to it. */
    private final class Sealer {
        private final String aad;
        private final boolean legacyAllowed;

        Sealer(String profile, boolean legacyAllowed) {
            this.aad = "connectionProfiles/" + profile;
            this.legacyAllowed = legacyAllowed;
        }

        String seal(Secret secret) {
            return secret == null ? null : secrets.seal(secret, aad);
        }

        Secret open(String sealed, String owner) {
            if (sealed == null) {
                return null;
            }
            try {
                return legacyAllowed && SecretBox.isLegacy(sealed) ? secrets.openLegacy(sealed) : secrets.open(sealed, aad);
            } catch (FerryException e) {
                throw new FerryException(e.code(), "Cannot read %s. %s".formatted(owner, e.getMessage()), e);
            }
        }
    }
}
