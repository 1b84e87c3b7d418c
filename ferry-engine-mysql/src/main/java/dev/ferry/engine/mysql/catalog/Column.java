package dev.ferry.engine.mysql.catalog;

/**
 * A table column as information_schema describes it. {@code generated} columns (VIRTUAL, STORED or
 * system-versioning row start/end) are computed by the server and never copied.
 */
public record Column(String name, String dataType, boolean generated, boolean autoIncrement) {
    public Column {
        if (name == null || name.isEmpty() || dataType == null) {
            throw new IllegalArgumentException("a column needs a name and a data type");
        }
    }

    /** JSON on MySQL is a binary type that refuses bytes in CHARACTER SET binary; MariaDB's JSON is LONGTEXT. */
    public boolean isJson() {
        return "json".equalsIgnoreCase(dataType);
    }
}
