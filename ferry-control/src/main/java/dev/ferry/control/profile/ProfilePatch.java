package dev.ferry.control.profile;

import dev.ferry.core.Secret;
import dev.ferry.core.model.TlsOptions;
import java.util.Map;

/**
 * Changes to a connection profile; every null field is left as it is. Connection fields apply to
 * profiles of existing servers only. {@code tls}, when given, replaces the profile's TLS certificates and
 * options as a whole. A change of host, port or username needs {@code password} too.
 */
public record ProfilePatch(
        String displayName,
        Map<String, String> labels,
        String host,
        Integer port,
        String username,
        Secret password,
        String database,
        String sslMode,
        TlsOptions tls) {

    /** A patch that leaves the TLS certificates as they are. */
    public ProfilePatch(String displayName, Map<String, String> labels, String host, Integer port, String username,
            Secret password, String database, String sslMode) {
        this(displayName, labels, host, port, username, password, database, sslMode, null);
    }
}
