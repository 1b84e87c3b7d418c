package dev.ferry.engine.mysql.chunk;

import dev.ferry.core.Dialect;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL condition that selects the rows of a {@link KeyRange}, with its parameters in order. A bound on several
 * columns is written as nested comparisons ({@code a > ? OR (a = ? AND b >= ?)}), which both flavors' range
 * optimizers turn into an index range. The same condition selects rows on the source and deletes them on the
 * destination, so every row belongs to exactly one range of a plan whatever the collation. Immutable.
 */
public record RangePredicate(String sql, List<Object> params) {
    private static final String TRUE = "1 = 1";

    public RangePredicate {
        params = List.copyOf(params);
    }

    /** The rows of {@code range}. */
    public static RangePredicate of(ChunkKey key, KeyRange range) {
        return of(key, range, List.of());
    }

    /** The rows of {@code range} that are in none of {@code excluded} (ranges of an earlier plan, already copied). */
    public static RangePredicate of(ChunkKey key, KeyRange range, List<KeyRange> excluded) {
        List<Object> params = new ArrayList<>();
        String sql = range(key, range, params);
        if (!excluded.isEmpty()) {
            List<String> others = new ArrayList<>();
            for (KeyRange e : excluded) {
                others.add(range(key, e, params));
            }
            sql = "(" + sql + ") AND NOT (" + String.join(" OR ", others) + ")";
        }
        return new RangePredicate(sql, params);
    }

    /** The rows whose key is strictly greater than {@code values}: the next ranges when sampling boundaries. */
    static RangePredicate after(ChunkKey key, List<byte[]> values) {
        List<Object> params = new ArrayList<>();
        return new RangePredicate(compare(key, values, ">", ">", 0, params), params);
    }

    private static String range(ChunkKey key, KeyRange range, List<Object> params) {
        if (range.isAll()) {
            return TRUE;
        }
        List<String> parts = new ArrayList<>(2);
        if (range.lower() != null) {
            parts.add(compare(key, range.lower(), ">", ">=", 0, params));
        }
        if (range.upper() != null) {
            parts.add(compare(key, range.upper(), "<", "<", 0, params));
        }
        return "(" + String.join(" AND ", parts) + ")";
    }

    /** {@code key[i..] op values[i..]} in lexicographic order: {@code strict} on leading columns, {@code last} on the last. */
    private static String compare(ChunkKey key, List<byte[]> values, String strict, String last, int i,
            List<Object> params) {
        if (values.size() != key.columns().size()) {
            throw new IllegalArgumentException("a bound needs one value per key column");
        }
        ChunkKey.Column column = key.columns().get(i);
        String c = Dialect.MYSQL.quote(column.name());
        Object value = bindable(column.type(), values.get(i));
        if (i == values.size() - 1) {
            params.add(value);
            return c + " " + last + " ?";
        }
        params.add(value);
        params.add(value);
        return "(" + c + " " + strict + " ? OR (" + c + " = ? AND " + compare(key, values, strict, last, i + 1, params) + "))";
    }

    /** Numbers bind as exact decimals, binary values as bytes, the rest as text in the column's own comparison. */
    static Object bindable(KeyType type, byte[] value) {
        return switch (type) {
            case INTEGER, DECIMAL -> new BigDecimal(new String(value, StandardCharsets.US_ASCII));
            case BINARY -> value.clone();
            case TEXT, TEMPORAL -> new String(value, StandardCharsets.UTF_8);
        };
    }
}
