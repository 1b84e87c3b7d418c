package dev.ferry.engine.mysql.schema;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.catalog.Column;
import dev.ferry.engine.mysql.chunk.ChunkKey;
import java.util.List;

/**
 * A source table as the snapshot read it: its storage engine, columns, (split) CREATE TABLE, and the key its rows
 * are copied in ranges of ({@link ChunkKey#NONE} for one piece).
 */
public record TableSchema(TableRef ref, String engine, boolean transactional, List<Column> columns, TableDdl ddl, ChunkKey key) {
    public TableSchema {
        columns = List.copyOf(columns);
        key = key == null ? ChunkKey.NONE : key;
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + ref + " has no columns");
        }
    }

    /** The columns whose values are copied: everything but generated columns. */
    public List<Column> copiedColumns() {
        return columns.stream().filter(c -> !c.generated()).toList();
    }
}
