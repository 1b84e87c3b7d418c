package dev.ferry.engine.mysql.chunk;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a table into key ranges that together cover every possible key: the first range is unbounded below and
 * the last unbounded above, so rows are never missed, whatever was inserted since the plan. A single integer key
 * is cut into equal widths between its MIN and MAX; any other key by boundaries sampled every N keys in index
 * order, one short index seek each. A table without a key is one range. Stateless; reads through the connection
 * it is given (the snapshot's, so that the same data gives the same plan).
 */
public final class ChunkPlanner {
    /** Longest bound kept in a chunk id, so that ids stay short; a longer sampled boundary is skipped. */
    static final int MAX_BOUND_LENGTH = 40;

    private final ChunkSizing sizing;
    private final int maxBoundLength;

    public ChunkPlanner(ChunkSizing sizing) {
        this(sizing, MAX_BOUND_LENGTH);
    }

    /**
     * A planner that skips sampled boundaries whose chunk-id text is longer than {@code maxBoundLength} (the copy
     * keeps ids short enough for checkpoint keys; validation stores no ids and takes any boundary).
     */
    public ChunkPlanner(ChunkSizing sizing, int maxBoundLength) {
        this.sizing = sizing;
        this.maxBoundLength = maxBoundLength;
    }

    /** The ranges of {@code table}, in key order. */
    public List<KeyRange> plan(Connection source, TableRef table, ChunkKey key, long estimatedRows, long estimatedBytes,
            int workers) throws SQLException {
        if (key.isEmpty()) {
            return List.of(KeyRange.ALL);
        }
        long perChunk = sizing.rowsPerChunk(estimatedRows, estimatedBytes, workers);
        if (key.singleInteger()) {
            return equalWidths(source, table, key, estimatedRows, perChunk);
        }
        if (estimatedRows > 0 && estimatedRows <= perChunk) {
            return List.of(KeyRange.ALL);
        }
        return sampled(source, table, key, perChunk);
    }

    private List<KeyRange> equalWidths(Connection source, TableRef table, ChunkKey key, long estimatedRows, long perChunk)
            throws SQLException {
        String k = Dialect.MYSQL.quote(key.columns().getFirst().name());
        var minMax = Sql.queryOne(source, "SELECT CAST(MIN(" + k + ") AS CHAR), CAST(MAX(" + k + ") AS CHAR) FROM "
                + Dialect.MYSQL.quote(table.schema(), table.table()), rs -> new String[] {rs.getString(1), rs.getString(2)});
        if (minMax.isEmpty() || minMax.get()[0] == null) {
            return List.of(KeyRange.ALL);
        }
        return equalWidths(new BigInteger(minMax.get()[0]), new BigInteger(minMax.get()[1]), estimatedRows, perChunk,
                sizing.maxChunks());
    }

    /** Equal-width ranges over [min, max]; the row estimate (or the span when unknown) decides how many. */
    static List<KeyRange> equalWidths(BigInteger min, BigInteger max, long estimatedRows, long perChunk, int maxChunks) {
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        BigInteger rows = estimatedRows > 0 ? BigInteger.valueOf(estimatedRows) : span;
        BigInteger per = BigInteger.valueOf(perChunk);
        BigInteger wanted = rows.add(per).subtract(BigInteger.ONE).divide(per);
        long n = wanted.min(span).min(BigInteger.valueOf(maxChunks)).longValueExact();
        if (n <= 1) {
            return List.of(KeyRange.ALL);
        }
        BigInteger count = BigInteger.valueOf(n);
        BigInteger width = span.add(count).subtract(BigInteger.ONE).divide(count);
        List<List<byte[]>> bounds = new ArrayList<>();
        for (long i = 1; i < n; i++) {
            BigInteger b = min.add(width.multiply(BigInteger.valueOf(i)));
            if (b.compareTo(max) > 0) {
                break;
            }
            bounds.add(List.of(b.toString().getBytes(StandardCharsets.US_ASCII)));
        }
        return ranges(bounds);
    }

    private List<KeyRange> sampled(Connection source, TableRef table, ChunkKey key, long perChunk) throws SQLException {
        String columns = key.quotedList();
        // Values are read as text in the connection's character set (binary ones as bytes) and bound back as such.
        String printed = key.columns().stream()
                .map(c -> c.type() == KeyType.BINARY ? Dialect.MYSQL.quote(c.name()) : "CAST(" + Dialect.MYSQL.quote(c.name()) + " AS CHAR)")
                .collect(java.util.stream.Collectors.joining(", "));
        String from = " FROM " + Dialect.MYSQL.quote(table.schema(), table.table());
        String order = " ORDER BY " + columns + " LIMIT 1 OFFSET ";
        List<List<byte[]>> bounds = new ArrayList<>();
        List<byte[]> last = null;
        while (bounds.size() < sizing.maxChunks() - 1) {
            RangePredicate after = last == null ? null : RangePredicate.after(key, last);
            // The first range holds the keys before the (perChunk+1)-th; each next one its lower bound and perChunk-1 more.
            String sql = "SELECT " + printed + from + (after == null ? "" : " WHERE " + after.sql()) + order
                    + (after == null ? perChunk : perChunk - 1);
            List<byte[]> next = seek(source, sql, after == null ? List.of() : after.params(), key);
            if (next == null) {
                break;
            }
            last = next;
            if (KeyRange.encodedLength(next) <= maxBoundLength) {
                bounds.add(next);
            }
        }
        return ranges(bounds);
    }

    private static List<byte[]> seek(Connection source, String sql, List<Object> params, ChunkKey key) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<byte[]> values = new ArrayList<>();
                for (int i = 0; i < key.columns().size(); i++) {
                    values.add(key.columns().get(i).type() == KeyType.BINARY
                            ? rs.getBytes(i + 1)
                            : rs.getString(i + 1).getBytes(StandardCharsets.UTF_8));
                }
                return values;
            }
        }
    }

    /** [*, b1), [b1, b2), ..., [bn, *) from increasing boundaries. */
    static List<KeyRange> ranges(List<List<byte[]>> bounds) {
        if (bounds.isEmpty()) {
            return List.of(KeyRange.ALL);
        }
        List<KeyRange> ranges = new ArrayList<>(bounds.size() + 1);
        List<byte[]> lower = null;
        for (List<byte[]> b : bounds) {
            ranges.add(new KeyRange(lower, b));
            lower = b;
        }
        ranges.add(new KeyRange(lower, null));
        return ranges;
    }
}
