package dev.ferry.control.registry;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.EngineProvider;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The engines on the class path, one per database family. Immutable after construction; thread-safe. */
public final class EngineRegistry {
    private final Map<EngineKind, Engine> engines;

    public EngineRegistry(Map<EngineKind, Engine> engines) {
        this.engines = new EnumMap<>(engines.isEmpty() ? Map.of() : engines);
    }

    /** Loads every {@link EngineProvider} registered through ServiceLoader. */
    public static EngineRegistry load() {
        Map<EngineKind, Engine> found = new EnumMap<>(EngineKind.class);
        for (EngineProvider provider : ServiceLoader.load(EngineProvider.class)) {
            if (found.putIfAbsent(provider.kind(), provider.create()) != null) {
                throw new IllegalStateException("two engine providers for " + provider.kind());
            }
        }
        return new EngineRegistry(found);
    }

    public Engine get(EngineKind kind) {
        Engine engine = engines.get(kind);
        if (engine == null) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "No %s engine is installed in this Ferry build".formatted(kind.id()));
        }
        return engine;
    }
}
