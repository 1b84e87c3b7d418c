package dev.ferry.engine.postgres.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.validate.TableShape;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A table as this server has it: its columns with their types as the server prints them, the key validation drills
 * down by, and whether it is partitioned (its rows are in its partitions, so it is read without {@code ONLY}).
 * Read once per validation from the catalog. Immutable.
 */
record TableLayout(TableRef table, boolean partitioned, Map<String, String> types, List<String> key) {
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

    TableLayout {
        types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
        key = List.copyOf(key);
    }

    TableShape shape() {
        return new TableShape(types.entrySet().stream().map(e -> new TableShape.Column(e.getKey(), e.getValue())).toList(),
                key);
    }

    /** The table for FROM: {@code ONLY} unless partitioned, so an inheritance parent does not count its children's rows. */
    String from() {
        return (partitioned ? "" : "ONLY ") + Dialect.POSTGRESQL.quote(table.schema(), table.table());
    }

    /** The type of {@code column} on this server, as written in a cast. */
    String type(String column) {
        String type = types.get(column);
        if (type == null) {
            throw new IllegalArgumentException("table %s has no column %s".formatted(table, column));
        }
        return type;
    }

    /** Whether the key is one smallint, integer or bigint column (ranges then cut it in equal widths). */
    boolean integerKey() {
        return key.size() == 1 && INTEGER_TYPES.contains(types.get(key.getFirst()));
    }

    /**
     * Reads {@code table}; empty when it does not exist (or is not a table). The key is the primary key, else the
     * unique, valid, non-partial index on plain NOT NULL columns with the fewest columns (then by name).
     */
    static Optional<TableLayout> read(Connection c, TableRef table) throws SQLException {
        String columnsSql = """
                SELECT c.oid, c.relkind, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
                  FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
                 ORDER BY a.attnum""";
        long oid = 0;
        boolean partitioned = false;
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(columnsSql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    oid = rs.getLong(1);
                    partitioned = "p".equals(rs.getString(2));
                    if (rs.getString(3) != null) {
                        types.put(rs.getString(3), rs.getString(4));
                    }
                }
            }
        }
        if (oid == 0) {
            return Optional.empty();
        }
        return Optional.of(new TableLayout(table, partitioned, types, key(c, oid)));
    }

    private static List<String> key(Connection c, long oid) throws SQLException {
        String sql = """
                SELECT ARRAY(SELECT a.attname FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
                               JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                              WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)
                  FROM pg_catalog.pg_index i
                  JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
                 WHERE i.indrelid = CAST(? AS pg_catalog.oid) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
                   AND (i.indisprimary OR NOT EXISTS (
                        SELECT FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         WHERE k.ord <= i.indnkeyatts AND NOT a.attnotnull))
                   AND NOT (0 = ANY (i.indkey::pg_catalog.int2[]))
                 ORDER BY i.indisprimary DESC, i.indnkeyatts, x.relname
                 LIMIT 1""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                Array array = rs.getArray(1);
                List<String> key = new ArrayList<>(List.of((String[]) array.getArray()));
                array.free();
                return key;
            }
        }
    }
}
