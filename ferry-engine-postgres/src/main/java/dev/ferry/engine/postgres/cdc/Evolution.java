package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.catalog.TableCatalog.ColumnDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A destination table brought to the columns its source table has in the change stream: the work of a repeatable
 * pipeline event. It states the wanted shape, not the steps: the statements are worked out against the destination's
 * catalog when it runs, so running it again (a replayed log) changes nothing. Columns are renamed, added (rows that
 * existed get the value the source gave them when the column was added, then the column takes the source's default),
 * retyped (converted with a cast; a table the source rewrote is also copied again) and dropped, unless dropped columns
 * are kept (then they only lose NOT NULL). Generated columns are the destination's own and stay. Immutable.
 *
 * @param table the destination table
 * @param columns the wanted columns, in source order
 * @param renames old name to new name, detected on the source's catalog
 * @param keepDropped whether columns the source dropped stay on the destination
 */
record Evolution(TableRef table, List<Wanted> columns, Map<String, String> renames, boolean keepDropped) {
    private static final Dialect D = Dialect.POSTGRESQL;

    /**
     * A wanted column: {@code type} as the source's format_type prints it; {@code existing} the literal value rows that
     * predate the column hold (null: NULL); {@code defaultExpression} the source's default now (null: none).
     */
    record Wanted(String name, String type, String existing, String defaultExpression) {
        Wanted {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    Evolution {
        columns = List.copyOf(columns);
        renames = Map.copyOf(renames);
    }

    /** What this evolution does to a table that has {@code present}, for logs and events; empty when nothing. */
    List<String> statements(List<ColumnDefinition> present) {
        String alter = "ALTER TABLE " + D.quote(table.schema(), table.table());
        Map<String, ColumnDefinition> have = new LinkedHashMap<>();
        present.forEach(c -> have.put(c.name(), c));
        List<String> sql = new ArrayList<>();
        renames.forEach((from, to) -> {
            if (have.containsKey(from) && !have.containsKey(to)) {
                sql.add(alter + " RENAME COLUMN " + D.quote(from) + " TO " + D.quote(to));
                have.put(to, have.remove(from));
            }
        });
        Set<String> wanted = new HashSet<>();
        for (Wanted w : columns) {
            wanted.add(w.name());
            ColumnDefinition d = have.get(w.name());
            String column = D.quote(w.name());
            if (d == null) {
                sql.add(alter + " ADD COLUMN " + column + " " + w.type() + (w.existing() == null ? ""
                        : " DEFAULT " + w.existing() + "::" + w.type()));
                if (w.existing() != null || w.defaultExpression() != null) {
                    sql.add(alter + " ALTER COLUMN " + column + (w.defaultExpression() == null ? " DROP DEFAULT"
                            : " SET DEFAULT " + w.defaultExpression()));
                }
            } else if (!d.generated() && !d.type().equals(w.type())) {
                // A default of the old type may not convert by itself: it goes first and comes back after.
                if (d.expression() != null) {
                    sql.add(alter + " ALTER COLUMN " + column + " DROP DEFAULT");
                }
                sql.add(alter + " ALTER COLUMN " + column + " TYPE " + w.type() + " USING " + column + "::" + w.type());
                if (w.defaultExpression() != null) {
                    sql.add(alter + " ALTER COLUMN " + column + " SET DEFAULT " + w.defaultExpression());
                }
            }
        }
        for (var e : have.entrySet()) {
            if (e.getValue().generated() || wanted.contains(e.getKey())) {
                continue;
            }
            if (!keepDropped) {
                sql.add(alter + " DROP COLUMN " + D.quote(e.getKey()) + " CASCADE");
            } else if (e.getValue().notNull()) {
                sql.add(alter + " ALTER COLUMN " + D.quote(e.getKey()) + " DROP NOT NULL");
            }
        }
        return sql;
    }

    /** Brings the table to the wanted columns in the caller's open transaction; returns the statements run. */
    List<String> apply(Connection c) throws SQLException {
        List<String> sql = statements(TableCatalog.definedColumns(c, table));
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
        return sql;
    }

    /** Names the evolution for logs: the table and what changes. */
    String describe(List<String> statements) {
        return "columns of " + table + ": " + String.join("; ", statements.stream()
                .map(s -> s.substring(s.indexOf(' ', "ALTER TABLE ".length()) + 1)).toList());
    }
}
