package dev.ferry.core.spi.validate;

import java.util.List;

/**
 * Keys from {@code from} (inclusive) to {@code to} (exclusive), in the order of the table's key index; a null bound
 * is unbounded. Bounds hold one text value per key column, in the canonical text form the engine reads and binds
 * them in (never null values); for a table without a key, whatever the engine that planned the range reads back.
 */
public record KeyRange(List<String> from, List<String> to) {
    /** Every key. */
    public static final KeyRange ALL = new KeyRange(null, null);

    public KeyRange {
        from = from == null ? null : List.copyOf(from);
        to = to == null ? null : List.copyOf(to);
    }

    public boolean all() {
        return from == null && to == null;
    }

    @Override
    public String toString() {
        return "[" + (from == null ? "-∞" : String.join(",", from)) + " .. " + (to == null ? "+∞" : String.join(",", to)) + ")";
    }
}
