package dev.ferry.core.spi.validate;

import java.util.List;
import java.util.Objects;

/**
 * A table as validation sees it: its columns in table order with their types as the server prints them
 * ({@code integer}, {@code varchar(20)}), and the key columns validation drills down by (empty when the table has no
 * key usable to find one row).
 */
public record TableShape(List<Column> columns, List<String> key) {
    public TableShape {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
    }

    public boolean keyed() {
        return !key.isEmpty();
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** One column: name (exact), type as printed by the server. */
    public record Column(String name, String type) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }
}
