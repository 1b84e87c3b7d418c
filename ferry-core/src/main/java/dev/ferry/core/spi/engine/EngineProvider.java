package dev.ferry.core.spi.engine;

import dev.ferry.core.model.EngineKind;

/**
 * Registers an engine through {@code META-INF/services/dev.ferry.core.spi.engine.EngineProvider}.
 * Implementations have a public no-argument constructor.
 */
public interface EngineProvider {
    EngineKind kind();

    /** A new engine; engines hold no connections between calls and are thread-safe. */
    Engine create();
}
