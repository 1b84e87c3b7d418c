package dev.ferry.engine.postgres;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.EngineProvider;

/** Registers {@link PostgresEngine} with ServiceLoader. */
public final class PostgresEngineProvider implements EngineProvider {
    @Override
    public EngineKind kind() {
        return EngineKind.POSTGRESQL;
    }

    @Override
    public Engine create() {
        return new PostgresEngine();
    }
}
