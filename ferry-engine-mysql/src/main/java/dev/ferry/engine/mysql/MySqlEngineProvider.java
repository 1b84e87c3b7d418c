package dev.ferry.engine.mysql;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.EngineProvider;
import java.time.Clock;

/** Registers the MySQL/MariaDB engine with ServiceLoader. */
public final class MySqlEngineProvider implements EngineProvider {
    @Override
    public EngineKind kind() {
        return EngineKind.MYSQL;
    }

    @Override
    public Engine create() {
        return new MySqlEngine(Clock.systemUTC());
    }
}
