package dev.ferry.control.registry;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spi.provision.Provisioner;
import dev.ferry.core.spi.provision.ProvisionerProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The provisioners on the class path, by name. Immutable after construction; thread-safe. */
public final class ProvisionerRegistry {
    private final Map<String, Provisioner> provisioners;

    public ProvisionerRegistry(Map<String, Provisioner> provisioners) {
        this.provisioners = Map.copyOf(provisioners);
    }

    /** Loads every {@link ProvisionerProvider} registered through ServiceLoader, each keeping instances under {@code home}. */
    public static ProvisionerRegistry load(Path home) {
        Map<String, Provisioner> found = new TreeMap<>();
        for (ProvisionerProvider provider : ServiceLoader.load(ProvisionerProvider.class)) {
            found.put(provider.name(), provider.create(home));
        }
        return new ProvisionerRegistry(found);
    }

    public Provisioner get(String name) {
        Provisioner provisioner = provisioners.get(name);
        if (provisioner == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Unknown provisioner '%s'; available: %s".formatted(name, String.join(", ", provisioners.keySet())));
        }
        return provisioner;
    }
}
