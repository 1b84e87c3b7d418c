package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.model.TableRef;
import java.util.List;

/**
 * A destination table as row changes need it: its columns in ordinal order (the order of the binlog's row
 * images), the positions of its primary-key columns (empty without one), whether its storage engine is
 * transactional (else changes are applied idempotently, as a rollback cannot undo them), and whether it has a
 * unique key besides the primary key (then its changes keep their source order among themselves).
 */
record TableDef(TableRef ref, List<ColumnDef> columns, List<Integer> primaryKey, boolean transactional, boolean sequence,
        boolean otherUnique) {
    TableDef(TableRef ref, List<ColumnDef> columns, List<Integer> primaryKey, boolean transactional, boolean sequence) {
        this(ref, columns, primaryKey, transactional, sequence, false);
    }

    TableDef {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + ref + " has no columns");
        }
    }

    /** One column: {@code unsigned} for unsigned integer types; {@code generated} columns are computed by the server. */
    record ColumnDef(String name, String dataType, boolean unsigned, boolean generated) {
        /** MySQL's binary JSON type (MariaDB's JSON is LONGTEXT and never says json here). */
        boolean json() {
            return "json".equalsIgnoreCase(dataType);
        }
    }
}
