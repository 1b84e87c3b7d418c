package dev.ferry.control.profile;

import dev.ferry.core.Secret;
import java.util.Map;

/**
 * Changes to a connection profile; every null field is left as it is. Connection fields apply to
 * profiles of existing servers only.
 */
public record ProfilePatch(
        String displayName,
        Map<String, String> labels,
        String host,
        Integer port,
        String username,
        Secret password,
        String database,
        String sslMode) {}
