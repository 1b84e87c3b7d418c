package dev.ferry.engine.mysql.schema;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.catalog.Column;
import java.util.List;

/** A source table as the snapshot read it: its storage engine, columns and (split) CREATE TABLE. */
public record TableSchema(TableRef ref, String engine, boolean transactional, List<Column> columns, TableDdl ddl) {
    public TableSchema {
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + ref + " has no columns");
        }
    }

    /** The columns whose values are copied: everything but generated columns. */
    public List<Column> copiedColumns() {
        return columns.stream().filter(c -> !c.generated()).toList();
    }
}
