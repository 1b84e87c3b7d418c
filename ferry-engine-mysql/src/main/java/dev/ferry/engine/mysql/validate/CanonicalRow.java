package dev.ferry.engine.mysql.validate;

import dev.ferry.core.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL that turns a row into its canonical text and that text into a 64-bit hash, computed by the server.
 *
 * <p>Each value is written as text that two servers holding the same value print alike: numbers and temporal values
 * as the session prints them (UTC, the column's fractional digits), FLOAT widened to DOUBLE (FLOAT prints only six
 * digits), BIT as an unsigned number, binary strings and spatial values as hex, text as the bytes its column stores
 * (in the column's character set, which a faithful copy keeps and the schema comparison checks; a utf8mb4 column
 * as is, any other taken as binary, which costs nothing where converting to utf8mb4 tripled the hash's time on
 * latin1 columns), MySQL's JSON as the server prints its normalised form. The values are joined by
 * {@code CONCAT_WS} with a final field of {@code ISNULL} flags of the nullable columns, because {@code CONCAT_WS}
 * skips NULLs: NULL, {@code ''} and {@code 'NULL'} differ. The row hash is 64 bits: the CRC32 of the text in the
 * high half and the CRC32 of the text's SHA1 in the low half. The first catches every short burst of changed bytes,
 * the second is a pseudo-random function of the whole text, so a different row collides with a chance of about
 * 2^-64 (2^-32 at worst); extracting 64 bits of the SHA1 itself ({@code CONV(LEFT(SHA1(t), 16), 16, 10)}) measured
 * half again slower. Hashing bytes makes it blind to collations, so {@code 'a'} and {@code 'A'} differ even where the
 * column compares them equal. A range's hash is the exact (DECIMAL) SUM of its row hashes: independent of order and
 * counting duplicates of keyless tables. Pure.
 */
final class CanonicalRow {
    private static final Dialect D = Dialect.MYSQL;

    private CanonicalRow() {}

    /**
     * One column as the hash needs it: name, type as printed, information_schema DATA_TYPE, character set (null
     * when not text), and whether it may hold NULL.
     */
    record Col(String name, String columnType, String dataType, String charset, boolean nullable) {}

    /** The canonical text of one value of {@code column}. */
    static String value(Col column) {
        String q = D.quote(column.name());
        return switch (column.dataType().toLowerCase(Locale.ROOT)) {
            case "float" -> "(" + q + " * 1e0)";
            case "bit" -> "CAST(" + q + " AS UNSIGNED)";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point", "linestring",
                    "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection", "geomcollection" ->
                    "HEX(" + q + ")";
            // The stored bytes, never converted (CONVERT ... USING utf8mb4 tripled the time on latin1 columns); a
            // utf8mb4 column joins the text as is (casting it cost a third more than leaving it).
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" ->
                    "utf8mb4".equalsIgnoreCase(column.charset()) ? q : "CAST(" + q + " AS BINARY)";
            case "json" -> "CONVERT(CAST(" + q + " AS CHAR) USING utf8mb4)";
            default -> q;
        };
    }

    /** The canonical text of the row over {@code columns}, in this order. */
    static String text(List<Col> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a row hash needs at least one column");
        }
        List<String> parts = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        for (Col c : columns) {
            parts.add(value(c));
            if (c.nullable()) {
                nulls.add("ISNULL(" + D.quote(c.name()) + ")");
            }
        }
        if (!nulls.isEmpty()) {
            parts.add("CONCAT(" + String.join(", ", nulls) + ")");
        }
        return "CONCAT_WS('#', " + String.join(", ", parts) + ")";
    }

    /** The row hash as an unsigned 64-bit number. */
    static String rowValue(List<Col> columns) {
        String text = text(columns);
        return "((CRC32(" + text + ") << 32) | CRC32(SHA1(" + text + ")))";
    }

    /** The row hash as 16 hex digits. */
    static String rowHash(List<Col> columns) {
        return "LPAD(HEX(" + rowValue(columns) + "), 16, '0')";
    }

    /** The SELECT list of a range hash: the row count and the exact sum of the 64-bit row hashes. */
    static String rangeHash(List<Col> columns) {
        return "COUNT(*), CAST(COALESCE(SUM(" + rowValue(columns) + "), 0) AS CHAR)";
    }

    /** The canonical text of a key column's value: hex for binary keys, the printed value otherwise. */
    static String keyText(String column, boolean binary) {
        String q = D.quote(column);
        return binary ? "HEX(" + q + ")" : "CAST(" + q + " AS CHAR)";
    }
}
