package dev.ferry.engine.postgres.validate;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.validate.ChunkHash;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.RowHash;
import dev.ferry.core.spi.validate.TableShape;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * PostgreSQL's side of validating one database's data ({@link DataValidation}): every statement covers one range,
 * runs read-only on a session with portable text settings and waits at most {@link #LOCK_WAIT} for a lock. Row and
 * range hashes are described in {@link RangeSql}. Each table's layout (columns, key, partitioning) is read from this
 * server's catalog once and reused. Thread-safe.
 */
public final class PgDataValidation implements DataValidation {
    /** How long a validation statement waits for a lock before it fails (and the caller retries later). */
    public static final Duration LOCK_WAIT = ReliabilityConfig.DEFAULT_LOCK_WAIT;
    /** Keys looked up by one statement of {@link #rows(TableRef, TableShape, List, List)}. */
    static final int KEYS_PER_STATEMENT = 1000;

    private final DatabaseConnection db;
    private final ValidationSessions sessions;
    private final ConcurrentMap<TableRef, Optional<TableLayout>> layouts = new ConcurrentHashMap<>();
    private final Meter meter = new Meter();

    private PgDataValidation(DatabaseConnection db, int sessions) {
        this.db = db;
        this.sessions = new ValidationSessions(db, sessions, LOCK_WAIT);
    }

    /** Validation of {@code database} on {@code server} with at most {@code sessions} sessions; opens none yet. */
    public static PgDataValidation open(DatabaseConnection server, String database, int sessions) {
        return new PgDataValidation(server.withDatabase(database), sessions);
    }

    @Override
    public Optional<TableShape> shape(TableRef table) {
        return layout(table).map(TableLayout::shape);
    }

    @Override
    public List<KeyRange> chunks(TableRef table, TableShape shape, long rowsPerChunk) {
        if (rowsPerChunk < 1) {
            throw new IllegalArgumentException("rows per chunk must be positive: " + rowsPerChunk);
        }
        TableLayout layout = existing(table);
        return sessions.run("planning validation ranges of table " + table,
                c -> new ChunkPlanner(layout, meter).chunks(c, rowsPerChunk));
    }

    @Override
    public List<KeyRange> split(TableRef table, TableShape shape, KeyRange range, int parts) {
        TableLayout layout = existing(table);
        return sessions.run("splitting range %s of table %s".formatted(range, table),
                c -> new ChunkPlanner(layout, meter).split(c, range, parts));
    }

    @Override
    public ChunkHash hash(TableRef table, TableShape shape, List<String> columns, KeyRange range) {
        TableLayout layout = existing(table, columns);
        RangeSql sql = new RangeSql(layout);
        String text = sql.hash(columns, range);
        return sessions.run("hashing range %s of table %s".formatted(range, table), c -> {
            // A bitmap heap scan reads the range's pages in order, with read-ahead, where an index scan reads them
            // one at a time: measured a third faster on tables larger than shared buffers.
            c.setAutoCommit(false);
            ChunkHash hash;
            try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement(text)) {
                st.execute("SET LOCAL enable_indexscan = off");
                new ChunkPlanner(layout, meter).bind(ps, range, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    hash = new ChunkHash(rs.getLong(1), rs.getString(2));
                }
            }
            // On a failure the session is closed instead (ValidationSessions), which ends the transaction.
            c.commit();
            c.setAutoCommit(true);
            meter.row(Long.toString(hash.rows()), hash.hash());
            return hash;
        });
    }

    /**
     * Contiguous ranges of a single integer key are read in one statement, rows grouped by range
     * ({@link RangeSql#hashByRange}): one pass over the table (a sequential scan when the ranges cover it) instead of one
     * bitmap range scan per range, measured 2.5 times cheaper for 100,000-row ranges. Other keys read range by range.
     */
    @Override
    public List<ChunkHash> hashRanges(TableRef table, TableShape shape, List<String> columns, List<KeyRange> ranges) {
        TableLayout layout = existing(table, columns);
        RangeSql sql = new RangeSql(layout);
        String bounds = sql.innerBounds(ranges);
        if (bounds == null) {
            return DataValidation.super.hashRanges(table, shape, columns, ranges);
        }
        KeyRange outer = new KeyRange(ranges.getFirst().from(), ranges.getLast().to());
        String text = sql.hashByRange(columns, outer);
        return sessions.run("hashing %d ranges of table %s".formatted(ranges.size(), table), c -> {
            ChunkHash[] hashes = new ChunkHash[ranges.size()];
            c.setAutoCommit(false);
            try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement(text)) {
                st.execute("SET LOCAL enable_indexscan = off");
                ps.setString(1, bounds);
                new ChunkPlanner(layout, meter).bind(ps, outer, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hashes[rs.getInt(1)] = new ChunkHash(rs.getLong(2), rs.getString(3));
                        meter.row(rs.getString(1), rs.getString(2), rs.getString(3));
                    }
                }
            }
            // On a failure the session is closed instead (ValidationSessions), which ends the transaction.
            c.commit();
            c.setAutoCommit(true);
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] == null) {
                    hashes[i] = new ChunkHash(0, "0");
                }
            }
            return List.of(hashes);
        });
    }

    @Override
    public List<RowHash> rows(TableRef table, TableShape shape, List<String> columns, KeyRange range, int limit) {
        TableLayout layout = existing(table, columns);
        String text = new RangeSql(layout).rows(columns, range);
        return sessions.run("reading row hashes of range %s of table %s".formatted(range, table), c -> {
            try (PreparedStatement ps = c.prepareStatement(text)) {
                int i = new ChunkPlanner(layout, meter).bind(ps, range, 1);
                ps.setInt(i, Math.max(0, limit));
                return rowHashes(ps, layout.key().size());
            }
        });
    }

    @Override
    public List<RowHash> rows(TableRef table, TableShape shape, List<String> columns, List<List<String>> keys) {
        TableLayout layout = existing(table, columns);
        if (keys.isEmpty()) {
            return List.of();
        }
        if (layout.key().isEmpty()) {
            throw new IllegalArgumentException("table %s has no key to look rows up by".formatted(table));
        }
        String text = new RangeSql(layout).rowsByKeys(columns);
        int width = layout.key().size();
        List<RowHash> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_STATEMENT) {
            List<List<String>> batch = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_STATEMENT));
            found.addAll(sessions.run("reading row hashes by key of table " + table, c -> {
                try (PreparedStatement ps = c.prepareStatement(text)) {
                    List<Array> arrays = new ArrayList<>();
                    for (int k = 0; k < width; k++) {
                        String[] column = new String[batch.size()];
                        for (int r = 0; r < batch.size(); r++) {
                            if (batch.get(r).size() != width) {
                                throw new IllegalArgumentException("a key of table %s needs %d values: %s"
                                        .formatted(table, width, batch.get(r)));
                            }
                            column[r] = batch.get(r).get(k);
                        }
                        Array array = c.createArrayOf("text", column);
                        arrays.add(array);
                        ps.setArray(k + 1, array);
                    }
                    try {
                        return rowHashes(ps, width);
                    } finally {
                        for (Array a : arrays) {
                            a.free();
                        }
                    }
                }
            }));
        }
        return found;
    }

    @Override
    public Map<String, Long> sequences(List<TableRef> tables) {
        return sessions.run("reading sequence values", c -> SequenceValues.read(c, meter));
    }

    @Override
    public long bytesRead() {
        return meter.bytes();
    }

    @Override
    public void close() {
        sessions.close();
    }

    private List<RowHash> rowHashes(PreparedStatement ps, int width) throws SQLException {
        List<RowHash> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String[] values = new String[width + 1];
                for (int i = 0; i <= width; i++) {
                    values[i] = rs.getString(i + 1);
                }
                meter.row(values);
                rows.add(new RowHash(List.of(values).subList(0, width), values[width]));
            }
        }
        return rows;
    }

    private Optional<TableLayout> layout(TableRef table) {
        Optional<TableLayout> known = layouts.get(table);
        if (known != null) {
            return known;
        }
        Optional<TableLayout> read = sessions.run("reading the columns and key of table " + table,
                (Connection c) -> TableLayout.read(c, table));
        // A table missing now may be created later: only what exists is remembered.
        read.ifPresent(l -> layouts.put(table, read));
        return read;
    }

    /** The layout of {@code table}, read again when it lacks one of {@code columns} (added since it was read). */
    private TableLayout existing(TableRef table, List<String> columns) {
        TableLayout layout = existing(table);
        if (layout.types().keySet().containsAll(columns)) {
            return layout;
        }
        layouts.remove(table);
        TableLayout again = existing(table);
        List<String> missing = columns.stream().filter(c -> !again.types().containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.NOT_FOUND,
                    "Table %s in database %s on PostgreSQL at %s:%d has no column %s; validate the columns both sides have"
                            .formatted(table, db.database(), db.host(), db.port(), String.join(", ", missing)));
        }
        return again;
    }

    private TableLayout existing(TableRef table) {
        return layout(table).orElseThrow(() -> new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.NOT_FOUND,
                "Table %s does not exist in database %s on PostgreSQL at %s:%d; validate it once it is there"
                        .formatted(table, db.database(), db.host(), db.port())));
    }
}
