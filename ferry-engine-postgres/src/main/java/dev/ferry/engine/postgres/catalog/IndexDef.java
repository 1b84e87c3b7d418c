package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.model.TableRef;
import java.util.List;
import java.util.Objects;

/**
 * An index of a table as the source snapshot defines it: its {@code pg_class} oid, name, the
 * {@code CREATE [UNIQUE] INDEX} statement ({@code pg_get_indexdef}, names fully qualified), the primary
 * key or unique constraint it backs (null for a plain index), its tablespace (null for the default),
 * whether the table is clustered on it or uses it as replica identity, and per-column statistics targets.
 */
public record IndexDef(TableRef table, long oid, String name, String definition, Constraint constraint,
        String tablespace, boolean clustered, boolean replicaIdentity, List<StatisticsTarget> statistics) {

    public IndexDef {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
        statistics = List.copyOf(statistics);
    }

    /** A primary key or unique constraint backed by the index. */
    public record Constraint(long oid, String name, boolean primaryKey, boolean deferrable, boolean deferred) {
        public Constraint {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code ALTER INDEX ... ALTER COLUMN column SET STATISTICS target} (expression columns only). */
    public record StatisticsTarget(int column, int target) {}
}
