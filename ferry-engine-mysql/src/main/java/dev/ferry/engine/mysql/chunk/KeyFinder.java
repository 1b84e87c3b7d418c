package dev.ferry.engine.mysql.chunk;

import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses each table's {@link ChunkKey}: the primary key when all its columns are of a {@link KeyType}; without a
 * primary key, the first unique key (by name) whose columns are all NOT NULL and of a key type, and not prefixes or
 * expressions. A table whose primary key does not qualify gets none: ranges over another index would read the
 * table in random order. Stateless.
 */
public final class KeyFinder {
    private KeyFinder() {}

    /** One column of a unique index, as information_schema describes it. */
    record IndexColumn(String table, String index, String column, boolean prefix, String dataType, boolean nullable) {}

    /** The chosen key of every table of {@code database} that has one, by table name. */
    public static Map<String, ChunkKey> keys(Connection c, String database) throws SQLException {
        List<IndexColumn> columns = Sql.query(c, """
                SELECT s.TABLE_NAME, s.INDEX_NAME, s.COLUMN_NAME, s.SUB_PART IS NOT NULL, COALESCE(c.DATA_TYPE, ''),
                       COALESCE(c.IS_NULLABLE, 'YES') = 'YES'
                FROM information_schema.STATISTICS s
                LEFT JOIN information_schema.COLUMNS c
                  ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
                WHERE s.TABLE_SCHEMA = ? AND s.NON_UNIQUE = 0
                ORDER BY s.TABLE_NAME, s.INDEX_NAME <> 'PRIMARY', s.INDEX_NAME, s.SEQ_IN_INDEX""",
                rs -> new IndexColumn(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                        rs.getBoolean(6)),
                database);
        return choose(columns);
    }

    /** Picks the key per table from unique-index columns sorted by table, PRIMARY first, index name, position. */
    static Map<String, ChunkKey> choose(List<IndexColumn> columns) {
        Map<String, Map<String, List<IndexColumn>>> byTable = new LinkedHashMap<>();
        for (IndexColumn ic : columns) {
            byTable.computeIfAbsent(ic.table(), t -> new LinkedHashMap<>()).computeIfAbsent(ic.index(), i -> new ArrayList<>()).add(ic);
        }
        Map<String, ChunkKey> keys = new LinkedHashMap<>();
        byTable.forEach((table, indexes) -> {
            Optional<ChunkKey> key;
            if (indexes.containsKey("PRIMARY")) {
                key = usable(indexes.get("PRIMARY"));
            } else {
                key = indexes.values().stream().map(KeyFinder::usable).flatMap(Optional::stream).findFirst();
            }
            key.ifPresent(k -> keys.put(table, k));
        });
        return keys;
    }

    private static Optional<ChunkKey> usable(List<IndexColumn> index) {
        List<ChunkKey.Column> key = new ArrayList<>();
        for (IndexColumn ic : index) {
            // A NULL key would fall in no range and be lost; a prefix or an expression does not order the rows.
            if (ic.column() == null || ic.prefix() || ic.nullable()) {
                return Optional.empty();
            }
            Optional<KeyType> type = KeyType.of(ic.dataType());
            if (type.isEmpty()) {
                return Optional.empty();
            }
            key.add(new ChunkKey.Column(ic.column(), type.get()));
        }
        return key.isEmpty() ? Optional.empty() : Optional.of(new ChunkKey(key));
    }
}
