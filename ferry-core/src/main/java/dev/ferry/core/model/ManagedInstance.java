package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.util.Map;
import java.util.Objects;

/**
 * A database instance Ferry creates through a provisioner. {@code port} null means a free port;
 * {@code rootPassword} null means a generated one; {@code version} is the major version ("16",
 * "10.11"). {@code endpoint} is null until the instance exists, then how to reach it as superuser.
 */
public record ManagedInstance(
        EngineKind engine,
        String version,
        Integer port,
        Map<String, String> databaseFlags,
        Secret rootPassword,
        String provisioner,
        DatabaseConnection endpoint)
        implements ConnectionSpec {

    public ManagedInstance {
        Objects.requireNonNull(engine, "engine");
        if (port != null && (port < 1 || port > 65535)) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Port %d is not between 1 and 65535".formatted(port));
        }
        databaseFlags = databaseFlags == null ? Map.of() : Map.copyOf(databaseFlags);
        provisioner = provisioner == null || provisioner.isBlank() ? "local" : provisioner;
    }

    public ManagedInstance withEndpoint(DatabaseConnection newEndpoint) {
        return new ManagedInstance(engine, version, port, databaseFlags, rootPassword, provisioner, newEndpoint);
    }

    @Override
    public String toString() {
        return "ManagedInstance[engine=%s, version=%s, port=%s, provisioner=%s, endpoint=%s]"
                .formatted(engine, version, port, provisioner, endpoint);
    }
}
