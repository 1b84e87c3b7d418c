package dev.ferry.core.spi.provision;

import dev.ferry.core.model.DatabaseConnection;
import java.nio.file.Path;

/**
 * A provisioned instance. {@code endpoint} connects as the superuser; its password is set only in the
 * result of {@link Provisioner#create} (provisioners do not keep secrets; the store does).
 * {@code version} is the server's full version text such as "15.20" or "10.11.19".
 */
public record Instance(
        String name, DatabaseConnection endpoint, String version, InstanceStatus status, Path dataDirectory, Path logFile) {}
