package dev.ferry.control.runner;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.spi.engine.Engine;
import java.util.List;

/** Which source databases a job moves: the one named in the source profile, else every selected user database. */
public final class Databases {
    private Databases() {}

    public static List<String> select(Engine engine, DatabaseConnection source, ObjectSelection selection) {
        if (source.database() != null) {
            return List.of(source.database());
        }
        return engine.listDatabases(source).stream().filter(selection::includesDatabase).sorted().toList();
    }
}
