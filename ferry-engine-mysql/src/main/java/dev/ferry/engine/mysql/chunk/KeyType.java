package dev.ferry.engine.mysql.chunk;

import java.util.Locale;
import java.util.Optional;

/**
 * How a key column's values are read, written into chunk ids and bound as parameters. Only types whose
 * printed value compares exactly like the stored one qualify: FLOAT, BIT, ENUM, SET, blobs, JSON and the like
 * do not, and a table keyed by them is copied in one piece.
 */
public enum KeyType {
    /** TINYINT..BIGINT (signed or not) and YEAR: printed as decimal digits, bound as an exact number. */
    INTEGER,
    /** DECIMAL: printed exactly, bound as an exact number. */
    DECIMAL,
    /** CHAR and VARCHAR: bound as text, compared in the column's collation. */
    TEXT,
    /** BINARY and VARBINARY: bound as bytes. */
    BINARY,
    /** DATE, DATETIME, TIMESTAMP (in the session's UTC) and TIME: bound as their printed text. */
    TEMPORAL;

    /** The key type of an information_schema DATA_TYPE, or empty when such a column cannot bound ranges. */
    public static Optional<KeyType> of(String dataType) {
        return Optional.ofNullable(switch (dataType.toLowerCase(Locale.ROOT)) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year" -> INTEGER;
            case "decimal", "numeric" -> DECIMAL;
            case "char", "varchar" -> TEXT;
            case "binary", "varbinary" -> BINARY;
            case "date", "datetime", "timestamp", "time" -> TEMPORAL;
            default -> null;
        });
    }

    /** Whether values are numbers (written bare in chunk ids, bound as BigDecimal). */
    boolean numeric() {
        return this == INTEGER || this == DECIMAL;
    }
}
