package dev.ferry.engine.mysql.catalog;

import dev.ferry.core.Dialect;

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

    /**
     * The SQL expression that reads this column as the bytes Ferry copies and hashes: the value as the server
     * prints it, as a binary string (no character set conversion). FLOAT is widened to DOUBLE first, because the
     * server prints FLOAT with six significant digits (1234567 reads as 1234570) but DOUBLE exactly.
     */
    public String binaryExpression() {
        String q = Dialect.MYSQL.quote(name);
        return "float".equalsIgnoreCase(dataType) ? "CAST(" + q + " * 1e0 AS BINARY)" : "CAST(" + q + " AS BINARY)";
    }

    /** JSON on MySQL is a binary type that refuses bytes in CHARACTER SET binary; MariaDB's JSON is LONGTEXT. */
    public boolean isJson() {
        return "json".equalsIgnoreCase(dataType);
    }

    /**
     * Whether one value may come near the server's {@code max_allowed_packet} (16 MiB by default): MEDIUM and LONG
     * blobs and texts, JSON, spatial values. A statement's parameters must fit in one command; LOAD DATA streams.
     */
    public boolean mayBeHuge() {
        return switch (dataType.toLowerCase(java.util.Locale.ROOT)) {
            case "mediumblob", "mediumtext", "longblob", "longtext", "json", "geometry", "point", "linestring", "polygon",
                    "multipoint", "multilinestring", "multipolygon", "geometrycollection" -> true;
            default -> false;
        };
    }
}
