package dev.ferry.core.spi.provision;

import dev.ferry.core.Secret;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ConnectionProfile;
import java.util.Map;
import java.util.Objects;

/**
 * What instance to create. {@code version} null means the newest available; {@code port} null means
 * a free port; {@code rootPassword} null means a generated one; {@code flags} are server settings
 * (PostgreSQL GUCs, MariaDB system variables) applied at every start.
 */
public record InstanceSpec(
        String name, EngineKind engine, String version, Integer port, Map<String, String> flags, Secret rootPassword) {
    public InstanceSpec {
        ConnectionProfile.requireValidName(name, "instance");
        Objects.requireNonNull(engine, "engine");
        flags = flags == null ? Map.of() : Map.copyOf(flags);
    }
}
