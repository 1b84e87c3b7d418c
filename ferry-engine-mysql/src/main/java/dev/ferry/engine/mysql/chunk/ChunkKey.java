package dev.ferry.engine.mysql.chunk;

import dev.ferry.core.Dialect;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The columns a table is split by: its primary key, or, without one, a unique key whose columns are all NOT
 * NULL; empty ({@link #NONE}) when the table has no such key of supported types. Immutable.
 */
public record ChunkKey(List<Column> columns) {
    public static final ChunkKey NONE = new ChunkKey(List.of());

    /** One key column. */
    public record Column(String name, KeyType type) {
        public Column {
            if (name == null || name.isEmpty() || type == null) {
                throw new IllegalArgumentException("a key column needs a name and a type");
            }
        }
    }

    public ChunkKey {
        columns = List.copyOf(columns);
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** A single integer column: ranges are planned by equal width between MIN and MAX, no scan needed. */
    public boolean singleInteger() {
        return columns.size() == 1 && columns.getFirst().type() == KeyType.INTEGER;
    }

    /** The quoted column list, for SELECT and ORDER BY. */
    public String quotedList() {
        return columns.stream().map(c -> Dialect.MYSQL.quote(c.name())).collect(Collectors.joining(", "));
    }
}
