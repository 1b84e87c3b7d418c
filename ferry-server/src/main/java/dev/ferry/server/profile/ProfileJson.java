package dev.ferry.server.profile;

import dev.ferry.control.profile.ProfilePatch;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.ConnectionSpec;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.server.http.Times;
import java.util.Map;

/**
 * The JSON form of a connection profile, used for input and output. Exactly one of
 * {@code postgresql}, {@code mysql} and {@code managedInstance} is set. Passwords are input only: an
 * answer carries {@code passwordSet} / {@code rootPasswordSet} instead. Output-only fields sent back
 * by a client (state, times) are accepted and ignored.
 */
public record ProfileJson(
        String name,
        String displayName,
        Map<String, String> labels,
        String state,
        String createTime,
        String updateTime,
        String error,
        ConnectionJson postgresql,
        ConnectionJson mysql,
        ManagedJson managedInstance) {

    /** An existing server. {@code password} is input only; {@code passwordSet} output only. */
    public record ConnectionJson(
            String host, Integer port, String username, String password, Boolean passwordSet, String database,
            SslJson ssl) {}

    /**
     * TLS to the server: {@code mode} (disable, prefer, require, verify-ca, verify-full, or MySQL's names; new
     * profiles default to require), the CA certificate, a client certificate and its unencrypted PKCS#8 key (PEM
     * text, input only: answers say {@code caCertificateSet}, {@code clientCertificateSet}), and
     * {@code allowPublicKeyRetrieval} (MySQL, for unverified connections only when set).
     */
    public record SslJson(String mode, String caCertificate, String clientCertificate, String clientKey,
            Boolean allowPublicKeyRetrieval, Boolean caCertificateSet, Boolean clientCertificateSet) {

        public SslJson(String mode) {
            this(mode, null, null, null, null, null, null);
        }

        static SslJson of(DatabaseConnection c) {
            return new SslJson(c.sslMode().id(), null, null, null, c.tls().allowPublicKeyRetrieval(),
                    c.tls().caCertificate() != null, c.tls().hasClientCertificate());
        }

        /** The certificates and options of this input, or null when it names none (only the mode, or nothing). */
        TlsOptions options() {
            if (caCertificate == null && clientCertificate == null && clientKey == null && allowPublicKeyRetrieval == null) {
                return null;
            }
            return new TlsOptions(caCertificate, clientCertificate, Secret.of(clientKey), Boolean.TRUE.equals(allowPublicKeyRetrieval));
        }
    }

    /** An instance Ferry creates. {@code rootPassword} is input only; {@code endpoint} output only. */
    public record ManagedJson(
            String engine, String version, Integer port, Map<String, String> databaseFlags, String rootPassword,
            Boolean rootPasswordSet, String provisioner, EndpointJson endpoint) {}

    /** How to reach a created instance, without its password. */
    public record EndpointJson(String host, Integer port, String username) {}

    /** The answer form of {@code profile}: no password, whatever the profile holds. */
    public static ProfileJson of(ConnectionProfile profile) {
        ConnectionJson postgresql = null;
        ConnectionJson mysql = null;
        ManagedJson managed = null;
        switch (profile.spec()) {
            case DatabaseConnection c -> {
                var json = new ConnectionJson(c.host(), c.port(), c.username(), null, c.password() != null,
                        c.database(), SslJson.of(c));
                if (c.engine() == EngineKind.POSTGRESQL) {
                    postgresql = json;
                } else {
                    mysql = json;
                }
            }
            case ManagedInstance m -> {
                var endpoint = m.endpoint() == null ? null
                        : new EndpointJson(m.endpoint().host(), m.endpoint().port(), m.endpoint().username());
                boolean rootPasswordSet = m.rootPassword() != null
                        || (m.endpoint() != null && m.endpoint().password() != null);
                managed = new ManagedJson(m.engine().id(), m.version(), m.port(), m.databaseFlags(), null,
                        rootPasswordSet, m.provisioner(), endpoint);
            }
        }
        return new ProfileJson(profile.name(), profile.displayName(), profile.labels(), profile.state().name(),
                Times.instant(profile.createTime()), Times.instant(profile.updateTime()), profile.error(), postgresql,
                mysql, managed);
    }

    /** The create request for this body; {@code id} (the query parameter) wins over a name in the body. */
    public ProfileRequest toRequest(String id) {
        String profileName = id != null && !id.isEmpty() ? id : name;
        if (profileName == null || profileName.isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A profile name is required: POST /v1/connectionProfiles?connectionProfileId=NAME");
        }
        if (id != null && name != null && !id.equals(name)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The body names profile '%s' but connectionProfileId is '%s'; send one name".formatted(name, id));
        }
        ConnectionProfile.requireValidName(profileName, "connection profile");
        return new ProfileRequest(profileName, displayName, labels, spec());
    }

    /** The patch for this body: displayName, labels and the connection fields of postgresql or mysql. */
    public ProfilePatch toPatch() {
        if (managedInstance != null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A managed instance cannot be changed after creation; only displayName and labels can be patched");
        }
        if (postgresql != null && mysql != null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Send either postgresql or mysql, not both");
        }
        ConnectionJson c = postgresql != null ? postgresql : mysql;
        if (c == null) {
            return new ProfilePatch(displayName, labels, null, null, null, null, null, null);
        }
        return new ProfilePatch(displayName, labels, c.host(), c.port(), c.username(), Secret.of(c.password()),
                c.database(), c.ssl() == null ? null : c.ssl().mode(), c.ssl() == null ? null : c.ssl().options());
    }

    private ConnectionSpec spec() {
        int kinds = (postgresql != null ? 1 : 0) + (mysql != null ? 1 : 0) + (managedInstance != null ? 1 : 0);
        if (kinds != 1) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A connection profile needs exactly one of postgresql, mysql or managedInstance");
        }
        if (managedInstance != null) {
            ManagedJson m = managedInstance;
            return new ManagedInstance(EngineKind.parse(m.engine()), m.version(), m.port(), m.databaseFlags(),
                    Secret.of(m.rootPassword()), m.provisioner(), null);
        }
        EngineKind engine = postgresql != null ? EngineKind.POSTGRESQL : EngineKind.MYSQL;
        ConnectionJson c = postgresql != null ? postgresql : mysql;
        if (c.port() == null) {
            return connection(engine, c, engine.defaultPort());
        }
        return connection(engine, c, c.port());
    }

    private static DatabaseConnection connection(EngineKind engine, ConnectionJson c, int port) {
        return new DatabaseConnection(engine, c.host(), port, c.username(), Secret.of(c.password()), c.database(),
                c.ssl() == null ? null : TlsMode.parse(c.ssl().mode()), c.ssl() == null ? null : c.ssl().options());
    }
}
