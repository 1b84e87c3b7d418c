package dev.ferry.core.model;

/**
 * A table inside one database. For MySQL/MariaDB the schema is the database name. Names are exact
 * (case and all), never quoted here; quoting happens through {@link dev.ferry.core.Dialect}.
 */
public record TableRef(String schema, String table) {
    public TableRef {
        if (schema == null || schema.isEmpty() || table == null || table.isEmpty()) {
            throw new IllegalArgumentException("schema and table must be non-empty");
        }
    }

    /**
     * The table's full name in {@code database} as Ferry shows it: {@code database.schema.table}, or
     * {@code database.table} where the schema is the database itself (MySQL/MariaDB).
     */
    public String nameIn(String database) {
        return schema.equals(database) ? toString() : database + "." + this;
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
