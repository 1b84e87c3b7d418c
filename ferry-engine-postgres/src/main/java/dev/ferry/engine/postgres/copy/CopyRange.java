package dev.ferry.engine.postgres.copy;

import dev.ferry.core.Dialect;
import java.util.Objects;

/**
 * The part of a table one COPY moves: all of it, a half-open range of an integer key, or a half-open
 * range of heap blocks (by {@code ctid}). A missing bound is open, so the first and last ranges of a
 * split also catch rows beyond the bounds that were read. Bounds are numbers computed by Ferry, so the
 * predicates carry them as literals (COPY takes no bind parameters).
 */
public sealed interface CopyRange {
    /** The SQL condition selecting this range's rows; empty for the whole table. */
    String predicate();

    /** Every row. */
    record Whole() implements CopyRange {
        @Override
        public String predicate() {
            return "";
        }

        @Override
        public String toString() {
            return "all rows";
        }
    }

    /** {@code from <= column < to}; a null bound is open. */
    record KeyRange(String column, Long from, Long to) implements CopyRange {
        public KeyRange {
            Objects.requireNonNull(column, "column");
            if (from != null && to != null && from >= to) {
                throw new IllegalArgumentException("empty key range " + from + ".." + to);
            }
        }

        @Override
        public String predicate() {
            String col = Dialect.POSTGRESQL.quote(column);
            String lower = from == null ? null : col + " >= " + from;
            String upper = to == null ? null : col + " < " + to;
            return join(lower, upper);
        }

        @Override
        public String toString() {
            return column + " in [" + (from == null ? "" : from) + ", " + (to == null ? "" : to) + ")";
        }
    }

    /** Rows stored in heap blocks {@code from <= block < to}; a null bound is open. */
    record BlockRange(Long from, Long to) implements CopyRange {
        public BlockRange {
            if (from != null && from < 0 || to != null && to < 0 || from != null && to != null && from >= to) {
                throw new IllegalArgumentException("not a block range: " + from + ".." + to);
            }
        }

        @Override
        public String predicate() {
            String lower = from == null ? null : "ctid >= '(" + from + ",0)'::pg_catalog.tid";
            String upper = to == null ? null : "ctid < '(" + to + ",0)'::pg_catalog.tid";
            return join(lower, upper);
        }

        @Override
        public String toString() {
            return "blocks [" + (from == null ? "" : from) + ", " + (to == null ? "" : to) + ")";
        }
    }

    private static String join(String lower, String upper) {
        if (lower == null) {
            return upper == null ? "" : upper;
        }
        return upper == null ? lower : lower + " AND " + upper;
    }
}
