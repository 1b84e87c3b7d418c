package dev.ferry.engine.postgres.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.engine.postgres.copy.CopyRange;
import dev.ferry.engine.postgres.copy.RangePlanner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Cuts a keyed table into key ranges from its key index, never reading rows: a single integer key in equal widths
 * between its smallest and largest value (as the full load does, {@link RangePlanner#keyRanges}), as many as the
 * planner's row estimate asks for; any other key by walking the index, one short statement per range, each
 * skipping a range's worth of keys. A range is split by numbering its rows in key order. The first range is open
 * below and the last above. A table without a key is cut by the values of an indexed column, if it has one
 * ({@link #keylessChunks}). Stateless; the caller owns the connection.
 */
final class ChunkPlanner {
    /** No table is cut into more ranges than this, however large. */
    static final int MAX_CHUNKS = 1_000_000;

    private final TableLayout layout;
    private final RangeSql sql;
    private final Meter meter;

    ChunkPlanner(TableLayout layout, Meter meter) {
        this.layout = layout;
        this.sql = new RangeSql(layout);
        this.meter = meter;
    }

    List<KeyRange> chunks(Connection c, long rowsPerChunk) throws SQLException {
        if (layout.key().isEmpty()) {
            return keylessChunks(c, rowsPerChunk);
        }
        return layout.integerKey() ? integerChunks(c, rowsPerChunk) : walk(c, rowsPerChunk);
    }

    private List<KeyRange> integerChunks(Connection c, long rowsPerChunk) throws SQLException {
        long min;
        long max;
        try (PreparedStatement ps = c.prepareStatement(sql.integerBounds()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            min = rs.getLong(1);
            if (rs.wasNull()) {
                return List.of(KeyRange.ALL);
            }
            max = rs.getLong(2);
            meter.row(Long.toString(min), Long.toString(max));
        }
        OptionalLong estimate = estimatedRows(c);
        // Without statistics, as many rows as the key span could hold.
        double rows = estimate.isPresent() ? estimate.getAsLong() : (double) max - min + 1;
        long parts = (long) Math.min(MAX_CHUNKS, Math.ceil(rows / rowsPerChunk));
        if (parts <= 1) {
            return List.of(KeyRange.ALL);
        }
        List<KeyRange> ranges = new ArrayList<>();
        for (CopyRange r : RangePlanner.keyRanges(layout.key().getFirst(), min, max, (int) parts)) {
            CopyRange.KeyRange k = (CopyRange.KeyRange) r;
            ranges.add(new KeyRange(k.from() == null ? null : List.of(k.from().toString()),
                    k.to() == null ? null : List.of(k.to().toString())));
        }
        return ranges;
    }

    private List<KeyRange> walk(Connection c, long rowsPerChunk) throws SQLException {
        List<List<String>> cuts = new ArrayList<>();
        List<String> last = null;
        // The statement from the last cut on: any bound of the key's width gives its text; the cut is bound below.
        try (PreparedStatement ps = c.prepareStatement(sql.keyAtOffset(new KeyRange(layout.key(), null)))) {
            PreparedStatement first = c.prepareStatement(sql.keyAtOffset(KeyRange.ALL));
            try (first) {
                while (cuts.size() < MAX_CHUNKS - 1) {
                    PreparedStatement next = last == null ? first : ps;
                    int i = 1;
                    if (last != null) {
                        for (String v : last) {
                            next.setString(i++, v);
                        }
                    }
                    next.setLong(i, rowsPerChunk);
                    List<String> key = single(next);
                    if (key == null) {
                        break;
                    }
                    cuts.add(key);
                    last = key;
                }
            }
        }
        return between(null, cuts, null);
    }

    /**
     * A table without a key in ranges of the values of an indexed column ({@link #chunkColumn}), walking its index
     * a range's worth of rows at a time: a range then holds the same rows on every server with the same data, so its
     * hashes compare and its rows can be listed and compared as a multiset. One range when there is no such column
     * or the table holds no more rows than one range. A value's duplicates all fall in one range.
     */
    private List<KeyRange> keylessChunks(Connection c, long rowsPerChunk) throws SQLException {
        Optional<String> column = chunkColumn(c);
        if (column.isEmpty()) {
            return List.of(KeyRange.ALL);
        }
        String name = column.get();
        List<List<String>> cuts = new ArrayList<>();
        try (PreparedStatement first = c.prepareStatement(sql.columnAtOffset(name));
                PreparedStatement next = c.prepareStatement(sql.columnAtOffsetAfter(name))) {
            first.setLong(1, rowsPerChunk);
            String cut = value(first);
            while (cut != null && cuts.size() < MAX_CHUNKS - 1) {
                cuts.add(List.of(name, cut));
                // The cut's duplicates are in the range it starts; the next cut is past them.
                next.setString(1, cut);
                next.setLong(2, Math.max(0, rowsPerChunk - 1));
                cut = value(next);
            }
        }
        return between(null, cuts, null);
    }

    /**
     * The column that cuts a table without a key: the first column of a valid btree index without a predicate, of a
     * type whose order and text form are the same on every server (integers first, then dates and timestamps).
     */
    private Optional<String> chunkColumn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname
                  FROM pg_catalog.pg_index i
                  JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
                  JOIN pg_catalog.pg_am am ON am.oid = x.relam
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                 WHERE i.indrelid = CAST(? AS pg_catalog.regclass) AND i.indisvalid AND i.indpred IS NULL
                   AND am.amname = 'btree' AND NOT a.attisdropped
                   AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                       'pg_catalog.int8'::pg_catalog.regtype, 'pg_catalog.date'::pg_catalog.regtype,
                       'pg_catalog.timestamp'::pg_catalog.regtype, 'pg_catalog.timestamptz'::pg_catalog.regtype)
                 ORDER BY a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                       'pg_catalog.int8'::pg_catalog.regtype) DESC, x.relname
                 LIMIT 1""")) {
            ps.setString(1, Dialect.POSTGRESQL.quote(layout.table().schema(), layout.table().table()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private String value(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            meter.row(rs.getString(1));
            return rs.getString(1);
        }
    }

    /** Up to {@code parts} ranges covering {@code range} with about as many rows each. */
    List<KeyRange> split(Connection c, KeyRange range, int parts) throws SQLException {
        if (layout.key().isEmpty() || parts < 2) {
            return List.of(range);
        }
        long rows;
        try (PreparedStatement ps = c.prepareStatement(sql.count(range))) {
            bind(ps, range, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
                meter.row(Long.toString(rows));
            }
        }
        if (rows < 2) {
            return List.of(range);
        }
        long step = (rows + parts - 1) / parts;
        List<List<String>> cuts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.cuts(range))) {
            int i = bind(ps, range, 1);
            ps.setLong(i, step);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cuts.add(key(rs));
                }
            }
        }
        return between(range.from(), cuts, range.to());
    }

    /** The planner's estimate of the table's rows (of its partitions when partitioned); empty when never analyzed. */
    private OptionalLong estimatedRows(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_catalog.sum(c.reltuples), pg_catalog.bool_or(c.reltuples < 0 OR c.reltuples = 0 AND c.relpages = 0)
                  FROM pg_catalog.pg_partition_tree(CAST(? AS pg_catalog.regclass)) AS t
                  JOIN pg_catalog.pg_class c ON c.oid = t.relid
                 WHERE c.relkind = 'r'""")) {
            ps.setString(1, Dialect.POSTGRESQL.quote(layout.table().schema(), layout.table().table()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBoolean(2) || rs.wasNull()) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(Math.max(0, (long) rs.getDouble(1)));
            }
        }
    }

    /** Binds a range's bounds from parameter {@code at}; returns the next parameter's index. */
    int bind(PreparedStatement ps, KeyRange range, int at) throws SQLException {
        int i = at;
        for (String v : sql.binds(range)) {
            ps.setString(i++, v);
        }
        return i;
    }

    private List<String> single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? key(rs) : null;
        }
    }

    private List<String> key(ResultSet rs) throws SQLException {
        List<String> key = new ArrayList<>(layout.key().size());
        for (int i = 1; i <= layout.key().size(); i++) {
            key.add(rs.getString(i));
        }
        meter.row(key.toArray(String[]::new));
        return key;
    }

    private static List<KeyRange> between(List<String> from, List<List<String>> cuts, List<String> to) {
        List<KeyRange> ranges = new ArrayList<>();
        List<String> lower = from;
        for (List<String> cut : cuts) {
            ranges.add(new KeyRange(lower, cut));
            lower = cut;
        }
        ranges.add(new KeyRange(lower, to));
        return ranges;
    }
}
