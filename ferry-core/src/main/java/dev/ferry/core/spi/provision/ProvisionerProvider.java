package dev.ferry.core.spi.provision;

import java.nio.file.Path;

/**
 * Registers a provisioner through {@code META-INF/services/dev.ferry.core.spi.provision.ProvisionerProvider}.
 */
public interface ProvisionerProvider {
    /** The name profiles use to pick this provisioner, such as {@code local}. */
    String name();

    /** A provisioner keeping its instances under {@code home} (Ferry's home directory). */
    Provisioner create(Path home);
}
