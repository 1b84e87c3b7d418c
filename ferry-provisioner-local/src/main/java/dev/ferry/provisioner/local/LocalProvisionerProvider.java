package dev.ferry.provisioner.local;

import dev.ferry.core.spi.provision.Provisioner;
import dev.ferry.core.spi.provision.ProvisionerProvider;
import java.nio.file.Path;

/** Registers the {@code local} provisioner. */
public final class LocalProvisionerProvider implements ProvisionerProvider {
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Provisioner create(Path home) {
        return new LocalProvisioner(LocalSettings.of(home));
    }
}
