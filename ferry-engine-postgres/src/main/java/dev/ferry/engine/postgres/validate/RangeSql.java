package dev.ferry.engine.postgres.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.spi.validate.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of validation statements over one table. A row's hash is {@code hashtextextended} (64 bits, the same
 * function since PostgreSQL 11, for hash partitioning) of the row's record text compared byte-wise ({@code COLLATE "C"}):
 * the record text prints every value in its type's output form, quotes what needs quoting and prints NULL as
 * nothing, so a NULL, an empty string and the text {@code NULL} hash differently. A range's hash is the sum of its
 * rows' hashes (order-independent, and duplicate rows count). Key bounds are bound as text and cast to the key
 * columns' types, and compared as a row, so the key's index serves the range. A table without a key is cut by the
 * values of an indexed column instead ({@link #column(KeyRange)}). Pure.
 */
final class RangeSql {
    private static final Dialect PG = Dialect.POSTGRESQL;

    private final TableLayout layout;

    RangeSql(TableLayout layout) {
        this.layout = layout;
    }

    /** The SQL expression of one row's hash over {@code columns} (bigint). */
    String rowHash(List<String> columns) {
        columns.forEach(layout::type);
        String values = columns.stream().map(PG::quote).collect(Collectors.joining(", "));
        return "pg_catalog.hashtextextended((ROW(" + values + ")::pg_catalog.text) COLLATE \"C\", 0)";
    }

    /** {@code count, hash} of a range: two columns, the hash as text (0 for no rows). */
    String hash(List<String> columns, KeyRange range) {
        return "SELECT pg_catalog.count(*), COALESCE(pg_catalog.sum(" + rowHash(columns) + "), 0)::pg_catalog.text FROM "
                + layout.from() + where(range);
    }

    /**
     * {@code bucket, count, hash} of the rows of {@code outer} grouped by range in one pass: the bucket is the range's
     * index, found by {@code width_bucket} of the single integer key among the ranges' inner bounds (bound first, as an
     * int8 array's text), then the outer bounds are bound. Ranges without rows are not listed.
     */
    String hashByRange(List<String> columns, KeyRange outer) {
        String k = PG.quote(layout.key().getFirst());
        // The bounds in a sub-select: converted from text once, not for every row.
        return "SELECT pg_catalog.width_bucket(" + k + "::pg_catalog.int8, (SELECT CAST(? AS pg_catalog.int8[]))), pg_catalog.count(*), "
                + "COALESCE(pg_catalog.sum(" + rowHash(columns) + "), 0)::pg_catalog.text FROM " + layout.from() + where(outer)
                + " GROUP BY 1";
    }

    /**
     * The inner bounds of contiguous ranges of a single integer key (each range's lower bound but the first's), as the
     * text of an int8 array; null when {@link #hashByRange} cannot read them (another key, fewer than two ranges, or
     * ranges that are not contiguous).
     */
    String innerBounds(List<KeyRange> ranges) {
        if (!layout.integerKey() || ranges.size() < 2) {
            return null;
        }
        List<String> bounds = new ArrayList<>();
        for (int i = 1; i < ranges.size(); i++) {
            List<String> from = ranges.get(i).from();
            if (from == null || from.size() != 1 || !from.equals(ranges.get(i - 1).to())) {
                return null;
            }
            try {
                bounds.add(Long.toString(Long.parseLong(from.getFirst())));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return "{" + String.join(",", bounds) + "}";
    }

    /** The key columns' text, then the row hash as text, of a range's rows in key order, at most {@code ?} of them. */
    String rows(List<String> columns, KeyRange range) {
        return "SELECT " + keyText() + rowHash(columns) + "::pg_catalog.text FROM " + layout.from() + where(range)
                + orderByKey() + " LIMIT ?";
    }

    /**
     * As {@link #rows(List, KeyRange)}, for the rows whose keys are in the bound text arrays (one array per key
     * column, element i of each making key i).
     */
    String rowsByKeys(List<String> columns) {
        List<String> key = layout.key();
        List<String> names = new ArrayList<>();
        List<String> casts = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            names.add("k" + i);
            casts.add("CAST(u.k" + i + " AS " + layout.type(key.get(i)) + ")");
        }
        String arrays = names.stream().map(n -> "pg_catalog.unnest(CAST(? AS pg_catalog.text[]))")
                .collect(Collectors.joining(", "));
        return "SELECT " + keyText() + rowHash(columns) + "::pg_catalog.text FROM " + layout.from() + " WHERE "
                + keyTuple() + " IN (SELECT " + String.join(", ", casts) + " FROM ROWS FROM (" + arrays
                + ") AS u(" + String.join(", ", names) + "))";
    }

    /** The number of rows in a range. */
    String count(KeyRange range) {
        return "SELECT pg_catalog.count(*) FROM " + layout.from() + where(range);
    }

    /**
     * The keys (as text) of every {@code ?}-th row of a range in key order, starting with row {@code ?}+1: the first
     * keys of the second and later parts of the range cut into parts of that many rows.
     */
    String cuts(KeyRange range) {
        return "SELECT " + keyAliases("s.") + " FROM (SELECT " + keyAliased() + ", pg_catalog.row_number() OVER (ORDER BY "
                + keyList() + ") AS rn FROM " + layout.from() + where(range) + ") AS s WHERE s.rn > 1 AND (s.rn - 1) % ? = 0"
                + " ORDER BY s.rn";
    }

    /** The key (as text) of the row {@code ?} rows after the range's lower bound in key order (none past the end). */
    String keyAtOffset(KeyRange range) {
        return "SELECT " + keyAliased() + " FROM " + layout.from() + where(range)
                + orderByKey() + " OFFSET ? LIMIT 1";
    }

    /** The smallest and largest value of the single integer key. */
    String integerBounds() {
        String k = PG.quote(layout.key().getFirst());
        return "SELECT pg_catalog.min(" + k + ")::pg_catalog.int8, pg_catalog.max(" + k + ")::pg_catalog.int8 FROM "
                + layout.from();
    }

    /** The values to bind for {@link #where(KeyRange)}, in order. */
    List<String> binds(KeyRange range) {
        if (layout.key().isEmpty() && !range.all()) {
            List<String> binds = new ArrayList<>();
            column(range);
            if (range.from() != null) {
                binds.add(range.from().get(1));
            }
            if (range.to() != null) {
                binds.add(range.to().get(1));
            }
            return binds;
        }
        List<String> binds = new ArrayList<>();
        if (range.from() != null) {
            binds.addAll(checked(range.from()));
        }
        if (range.to() != null) {
            binds.addAll(checked(range.to()));
        }
        return binds;
    }

    /**
     * {@code WHERE} with a range's bounds ({@code ?} each key column), or nothing for every key. A range of a table
     * without a key is one of a column's values ({@link #column(KeyRange)}); the first such range also holds the rows
     * where the column is NULL.
     */
    String where(KeyRange range) {
        if (layout.key().isEmpty() && !range.all()) {
            String column = column(range);
            String c = PG.quote(column);
            String bound = "CAST(? AS " + layout.type(column) + ")";
            List<String> parts = new ArrayList<>();
            if (range.from() != null) {
                parts.add(c + " >= " + bound);
            }
            if (range.to() != null) {
                parts.add(range.from() == null ? "(" + c + " < " + bound + " OR " + c + " IS NULL)" : c + " < " + bound);
            }
            return " WHERE " + String.join(" AND ", parts);
        }
        List<String> parts = new ArrayList<>();
        if (range.from() != null) {
            parts.add(keyTuple() + " >= " + boundTuple());
        }
        if (range.to() != null) {
            parts.add(keyTuple() + " < " + boundTuple());
        }
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    /**
     * The column a range of a table without a key runs over: each bound of such a range is two values, the column's
     * name and a value of it as text. Its rows are chosen by content, so the same range holds the same rows on every
     * server that holds the same data, wherever they lie on disk.
     */
    String column(KeyRange range) {
        List<String> any = range.from() != null ? range.from() : range.to();
        for (List<String> bound : java.util.Arrays.asList(range.from(), range.to())) {
            if (bound != null && (bound.size() != 2 || !bound.getFirst().equals(any.getFirst()))) {
                throw new IllegalArgumentException("a range of table %s, which has no key, needs bounds of a column's name "
                        + "and a value: %s".formatted(layout.table(), range));
            }
        }
        layout.type(any.getFirst());
        return any.getFirst();
    }

    /** The text of {@code column} in the row after the first {@code ?} rows where it is not NULL, in its order. */
    String columnAtOffset(String column) {
        String c = PG.quote(column);
        return "SELECT " + c + "::pg_catalog.text FROM " + layout.from() + " WHERE " + c + " IS NOT NULL ORDER BY " + c
                + " OFFSET ? LIMIT 1";
    }

    /** As {@link #columnAtOffset}, among the rows whose {@code column} is above the bound value. */
    String columnAtOffsetAfter(String column) {
        String c = PG.quote(column);
        return "SELECT " + c + "::pg_catalog.text FROM " + layout.from() + " WHERE " + c + " > CAST(? AS "
                + layout.type(column) + ") ORDER BY " + c + " OFFSET ? LIMIT 1";
    }

    private List<String> checked(List<String> bound) {
        if (bound.size() != layout.key().size()) {
            throw new IllegalArgumentException("a bound of table %s needs %d values, not %d"
                    .formatted(layout.table(), layout.key().size(), bound.size()));
        }
        return bound;
    }

    private String keyTuple() {
        String list = keyList();
        return layout.key().size() == 1 ? list : "(" + list + ")";
    }

    private String boundTuple() {
        String list = layout.key().stream().map(k -> "CAST(? AS " + layout.type(k) + ")").collect(Collectors.joining(", "));
        return layout.key().size() == 1 ? list : "(" + list + ")";
    }

    private String keyList() {
        return layout.key().stream().map(PG::quote).collect(Collectors.joining(", "));
    }

    private String orderByKey() {
        return layout.key().isEmpty() ? "" : " ORDER BY " + keyList();
    }

    /** Each key column as text followed by ", " (nothing without a key). */
    private String keyText() {
        StringBuilder sb = new StringBuilder();
        for (String k : layout.key()) {
            sb.append(PG.quote(k)).append("::pg_catalog.text, ");
        }
        return sb.toString();
    }

    /** Each key column as text, named {@code k0, k1...}. */
    private String keyAliased() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < layout.key().size(); i++) {
            out.add(PG.quote(layout.key().get(i)) + "::pg_catalog.text AS k" + i);
        }
        return String.join(", ", out);
    }

    private String keyAliases(String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < layout.key().size(); i++) {
            out.add(prefix + "k" + i);
        }
        return String.join(", ", out);
    }
}
