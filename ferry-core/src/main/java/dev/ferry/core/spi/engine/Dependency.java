package dev.ferry.core.spi.engine;

import dev.ferry.core.model.TableRef;
import java.util.Objects;

/**
 * One object of a source database needing another: {@code dependent} (a table with a foreign key, or a
 * view) needs the table {@code dependency}. {@code kind} says how, for messages: "foreign key" or "view".
 */
public record Dependency(TableRef dependent, TableRef dependency, String kind) {
    public Dependency {
        Objects.requireNonNull(dependent, "dependent");
        Objects.requireNonNull(dependency, "dependency");
        Objects.requireNonNull(kind, "kind");
    }
}
