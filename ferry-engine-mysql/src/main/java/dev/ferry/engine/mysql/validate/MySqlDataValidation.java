package dev.ferry.engine.mysql.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.validate.ChunkHash;
import dev.ferry.core.spi.validate.DataValidation;
import dev.ferry.core.spi.validate.KeyRange;
import dev.ferry.core.spi.validate.RowHash;
import dev.ferry.core.spi.validate.TableShape;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.chunk.ChunkKey;
import dev.ferry.engine.mysql.chunk.ChunkPlanner;
import dev.ferry.engine.mysql.chunk.ChunkSizing;
import dev.ferry.engine.mysql.chunk.KeyType;
import dev.ferry.engine.mysql.chunk.RangePredicate;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One MySQL or MariaDB server's side of validating a database's data. Ranges are planned by the full load's
 * {@link ChunkPlanner} over the key {@link #shape} chooses and selected by its {@link RangePredicate}s, so they use
 * the key's index; every range hash is one statement computed by the server (see {@link CanonicalRow}). Key values
 * travel as text: binary keys as hex, the others as the server prints them ({@code CAST(k AS CHAR)}). Thread-safe.
 */
public final class MySqlDataValidation implements DataValidation {
    private static final Dialect D = Dialect.MYSQL;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** Keys per statement when rows are looked up by key. */
    static final int KEYS_PER_STATEMENT = 500;
    private static final int MAX_CHUNKS = 100_000;
    private static final Pattern AUTO_INCREMENT = Pattern.compile("\\)[^)]*\\bAUTO_INCREMENT=(\\d+)");

    private final Sessions sessions;
    private final String database;
    private final Map<TableRef, Table> tables = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    /** A table's columns as the hash needs them, and its key with the index that holds it. */
    private record Table(Map<String, CanonicalRow.Col> columns, ChunkKey key, String index) {}

    private MySqlDataValidation(Sessions sessions, String database) {
        this.sessions = sessions;
        this.database = database;
    }

    /** Opens lazily: no session until the first call. */
    public static MySqlDataValidation open(MySqlConnector connector, DatabaseConnection server, String database, int sessions) {
        return new MySqlDataValidation(new Sessions(connector, server, database, sessions), database);
    }

    @Override
    public Optional<TableShape> shape(TableRef table) {
        Optional<Table> t = sessions.run("read the columns of " + name(table), c -> read(c, table));
        t.ifPresentOrElse(v -> tables.put(table, v), () -> tables.remove(table));
        return t.map(v -> new TableShape(v.columns().values().stream().map(c -> new TableShape.Column(c.name(), c.columnType())).toList(),
                v.key().columns().stream().map(ChunkKey.Column::name).toList()));
    }

    @Override
    public List<KeyRange> chunks(TableRef table, TableShape shape, long rowsPerChunk) {
        Table t = table(table, shape);
        if (!shape.keyed() || t.key().isEmpty()) {
            return List.of(KeyRange.ALL);
        }
        long perChunk = Math.max(1, rowsPerChunk);
        var planner = new ChunkPlanner(new ChunkSizing(perChunk, perChunk, Long.MAX_VALUE, MAX_CHUNKS), Integer.MAX_VALUE);
        return sessions.run("plan the ranges of " + name(table), table, c -> {
            long estimate = Sql.queryOne(c, "SELECT COALESCE(TABLE_ROWS, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_NAME = ?", rs -> rs.getLong(1), table.schema(), table.table()).orElseThrow(() -> missing(table));
            List<KeyRange> ranges = new ArrayList<>();
            for (var r : planner.plan(c, table, t.key(), estimate, 0, 1)) {
                ranges.add(new KeyRange(text(t.key(), r.lower()), text(t.key(), r.upper())));
            }
            return ranges;
        });
    }

    @Override
    public List<KeyRange> split(TableRef table, TableShape shape, KeyRange range, int parts) {
        Table t = table(table, shape);
        if (!shape.keyed() || t.key().isEmpty() || parts < 2) {
            return List.of(range);
        }
        return sessions.run("split a range of " + name(table), table, c -> {
            RangePredicate where = predicate(t, range);
            long rows = count(c, table, t, where);
            long step = (rows + parts - 1) / parts;
            if (rows < 2 || step < 1) {
                return List.of(range);
            }
            List<List<String>> bounds = new ArrayList<>();
            List<String> lower = range.from();
            while (bounds.size() < parts - 1) {
                KeyRange rest = new KeyRange(lower, range.to());
                // The next part starts step rows after the current lower bound (or the range's first row).
                RangePredicate w = predicate(t, rest);
                String sql = "SELECT " + keyList(t) + " FROM " + from(table, t, rest) + " WHERE " + w.sql() + " ORDER BY "
                        + t.key().quotedList() + " LIMIT 1 OFFSET " + step;
                List<List<String>> next = query(c, sql, w.params(), rs -> keyOf(rs, t, 1));
                if (next.isEmpty()) {
                    break;
                }
                lower = next.getFirst();
                bounds.add(lower);
            }
            if (bounds.isEmpty()) {
                return List.of(range);
            }
            List<KeyRange> out = new ArrayList<>(bounds.size() + 1);
            List<String> from = range.from();
            for (List<String> b : bounds) {
                out.add(new KeyRange(from, b));
                from = b;
            }
            out.add(new KeyRange(from, range.to()));
            return out;
        });
    }

    @Override
    public ChunkHash hash(TableRef table, TableShape shape, List<String> columns, KeyRange range) {
        Table t = table(table, shape);
        List<CanonicalRow.Col> cols = columns(table, t, columns);
        return sessions.run("hash a range of " + name(table), table, c -> {
            RangePredicate where = predicate(t, range);
            String sql = "SELECT " + CanonicalRow.rangeHash(cols) + " FROM " + from(table, t, range) + " WHERE " + where.sql();
            return query(c, sql, where.params(), rs -> new ChunkHash(rs.getLong(1), rs.getString(2))).getFirst();
        });
    }

    @Override
    public List<RowHash> rows(TableRef table, TableShape shape, List<String> columns, KeyRange range, int limit) {
        Table t = table(table, shape);
        List<CanonicalRow.Col> cols = columns(table, t, columns);
        return sessions.run("read the row hashes of " + name(table), table, c -> {
            RangePredicate where = predicate(t, range);
            String sql = "SELECT " + (t.key().isEmpty() ? "" : keyList(t) + ", ") + CanonicalRow.rowHash(cols) + " FROM "
                    + from(table, t, range) + " WHERE " + where.sql()
                    + (t.key().isEmpty() ? "" : " ORDER BY " + t.key().quotedList()) + " LIMIT " + Math.max(0, limit);
            return query(c, sql, where.params(), rs -> rowHash(rs, t));
        });
    }

    @Override
    public List<RowHash> rows(TableRef table, TableShape shape, List<String> columns, List<List<String>> keys) {
        Table t = table(table, shape);
        if (t.key().isEmpty() || keys.isEmpty()) {
            return List.of();
        }
        List<CanonicalRow.Col> cols = columns(table, t, columns);
        int width = t.key().columns().size();
        String tuple = width == 1 ? "?" : "(" + String.join(", ", java.util.Collections.nCopies(width, "?")) + ")";
        String keyColumns = width == 1 ? t.key().quotedList() : "(" + t.key().quotedList() + ")";
        return sessions.run("read rows of " + name(table) + " by key", table, c -> {
            List<RowHash> out = new ArrayList<>();
            for (int from = 0; from < keys.size(); from += KEYS_PER_STATEMENT) {
                List<List<String>> batch = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_STATEMENT));
                Set<List<String>> wanted = new HashSet<>(batch);
                List<Object> params = new ArrayList<>();
                for (List<String> k : batch) {
                    params.addAll(bindable(t.key(), k));
                }
                String sql = "SELECT " + keyList(t) + ", " + CanonicalRow.rowHash(cols) + " FROM " + D.quote(table.schema(), table.table())
                        + (t.index() == null ? "" : " FORCE INDEX (" + D.quote(t.index()) + ")")
                        + " WHERE " + keyColumns + " IN (" + String.join(", ", java.util.Collections.nCopies(batch.size(), tuple)) + ")";
                for (RowHash r : query(c, sql, params, rs -> rowHash(rs, t))) {
                    // A case-insensitive key finds 'A' when asked for 'a': only the exact key is that row.
                    if (wanted.contains(r.key())) {
                        out.add(r);
                    }
                }
            }
            return out;
        });
    }

    /**
     * {@inheritDoc} Auto-increment counters as SHOW CREATE TABLE prints them (the counter itself, never a cached
     * statistic); MariaDB sequences as their {@code next_not_cached_value}: the value the full load copies and the
     * one the binary log carries, as values handed out from a session's cache are visible nowhere.
     */
    @Override
    public Map<String, Long> sequences(List<TableRef> tables) {
        return sessions.run("read the sequences and auto-increment counters of database " + D.quote(database), c -> {
            Map<String, Long> values = new LinkedHashMap<>();
            Set<String> schemas = new java.util.TreeSet<>();
            for (TableRef t : tables) {
                schemas.add(t.schema());
                if (Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND EXTRA LIKE '%auto_increment%'", t.schema(), t.table()) == 0) {
                    continue;
                }
                // SHOW CREATE TABLE prints the counter itself, never a cached statistic; absent means nothing taken yet.
                String create = Sql.queryOne(c, "SHOW CREATE TABLE " + D.quote(t.schema(), t.table()), rs -> rs.getString(2))
                        .orElse("");
                Matcher m = AUTO_INCREMENT.matcher(create);
                values.put("auto_increment " + t.schema() + "." + t.table(), m.find() ? Long.parseLong(m.group(1)) : 1L);
                bytes.addAndGet(create.length());
            }
            if (sessions.flavor() == Flavor.MARIADB) {
                for (String schema : schemas) {
                    for (String s : Sql.query(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                            + " AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME", rs -> rs.getString(1), schema)) {
                        values.put("sequence " + schema + "." + s,
                                Sql.queryLong(c, "SELECT next_not_cached_value FROM " + D.quote(schema, s)));
                    }
                }
            }
            return values;
        });
    }

    @Override
    public long bytesRead() {
        return bytes.get();
    }

    @Override
    public void close() {
        sessions.close();
    }

    /**
     * The table as read here, keyed by {@code shape}'s key: the caller gives both servers the same shape (the
     * source's), so that both read the same ranges and key values even where the destination's own key differs.
     */
    private Table table(TableRef table, TableShape shape) {
        Table t = tables.get(table);
        if (t == null) {
            t = sessions.run("read the columns of " + name(table), c -> read(c, table)).orElseThrow(() -> missing(table));
            tables.put(table, t);
        }
        List<String> own = t.key().columns().stream().map(ChunkKey.Column::name).toList();
        if (own.equals(shape.key())) {
            return t;
        }
        if (shape.key().isEmpty()) {
            return new Table(t.columns(), ChunkKey.NONE, null);
        }
        List<ChunkKey.Column> key = new ArrayList<>();
        for (String name : shape.key()) {
            CanonicalRow.Col col = t.columns().get(name);
            Optional<KeyType> type = col == null ? Optional.empty() : KeyType.of(col.dataType());
            if (type.isEmpty()) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "Key column %s of %s on %s:%d %s; compare the schemas first"
                        .formatted(D.quote(name), name(table), sessions.server().host(), sessions.server().port(),
                                col == null ? "does not exist" : "has a type that cannot bound ranges (" + col.columnType() + ")"));
            }
            key.add(new ChunkKey.Column(name, type.get()));
        }
        return new Table(t.columns(), new ChunkKey(key), null);
    }

    private Optional<Table> read(Connection c, TableRef table) throws SQLException {
        Map<String, CanonicalRow.Col> columns = new LinkedHashMap<>();
        for (CanonicalRow.Col col : Sql.query(c, """
                SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, CHARACTER_SET_NAME, IS_NULLABLE = 'YES' FROM information_schema.COLUMNS
                WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION""",
                rs -> new CanonicalRow.Col(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)),
                table.schema(), table.table())) {
            columns.put(col.name(), col);
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        record IndexColumn(String index, String column, boolean prefix) {}
        Map<String, List<IndexColumn>> unique = new LinkedHashMap<>();
        for (IndexColumn ic : Sql.query(c, """
                SELECT INDEX_NAME, COLUMN_NAME, SUB_PART IS NOT NULL FROM information_schema.STATISTICS
                WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0
                ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX""",
                rs -> new IndexColumn(rs.getString(1), rs.getString(2), rs.getBoolean(3)), table.schema(), table.table())) {
            unique.computeIfAbsent(ic.index(), k -> new ArrayList<>()).add(ic);
        }
        ChunkKey best = ChunkKey.NONE;
        String bestIndex = null;
        for (var e : unique.entrySet()) {
            List<ChunkKey.Column> key = new ArrayList<>();
            for (IndexColumn ic : e.getValue()) {
                CanonicalRow.Col col = ic.column() == null ? null : columns.get(ic.column());
                Optional<KeyType> type = col == null ? Optional.empty() : KeyType.of(col.dataType());
                if (col == null || ic.prefix() || col.nullable() || type.isEmpty()) {
                    key = null;
                    break;
                }
                key.add(new ChunkKey.Column(col.name(), type.get()));
            }
            boolean primary = e.getKey().equals("PRIMARY");
            if (key != null && (best.isEmpty() || key.size() < best.columns().size())) {
                best = new ChunkKey(key);
                bestIndex = primary ? null : e.getKey();
            }
            if (primary) {
                break; // the primary key decides: ranges over another index would read the table in random order
            }
        }
        return Optional.of(new Table(columns, best, bestIndex));
    }

    private static List<CanonicalRow.Col> columns(TableRef table, Table t, List<String> names) {
        List<CanonicalRow.Col> cols = new ArrayList<>(names.size());
        for (String n : names) {
            CanonicalRow.Col col = t.columns().get(n);
            if (col == null) {
                throw new FerryException(ErrorCode.NOT_FOUND, "Table %s has no column %s; read its shape again"
                        .formatted(table, D.quote(n)));
            }
            cols.add(col);
        }
        return cols;
    }

    private static String from(TableRef table, Table t, KeyRange range) {
        String name = D.quote(table.schema(), table.table());
        return t.index() == null || range.all() ? name : name + " FORCE INDEX (" + D.quote(t.index()) + ")";
    }

    private long count(Connection c, TableRef table, Table t, RangePredicate where) throws SQLException {
        return query(c, "SELECT COUNT(*) FROM " + D.quote(table.schema(), table.table())
                + (t.index() == null ? "" : " FORCE INDEX (" + D.quote(t.index()) + ")") + " WHERE " + where.sql(),
                where.params(), rs -> rs.getLong(1)).getFirst();
    }

    private static String keyList(Table t) {
        return String.join(", ", t.key().columns().stream()
                .map(k -> CanonicalRow.keyText(k.name(), k.type() == KeyType.BINARY)).toList());
    }

    private RowHash rowHash(ResultSet rs, Table t) throws SQLException {
        int n = t.key().columns().size();
        List<String> key = keyOf(rs, t, 1);
        return new RowHash(key, rs.getString(n + 1));
    }

    private List<String> keyOf(ResultSet rs, Table t, int first) throws SQLException {
        List<String> key = new ArrayList<>(t.key().columns().size());
        for (int i = 0; i < t.key().columns().size(); i++) {
            key.add(rs.getString(first + i));
        }
        return key;
    }

    private <T> List<T> query(Connection c, String sql, List<Object> params, Sql.RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                    long received = 4; // about the row's packet header
                    for (int i = 1; i <= columns; i++) {
                        String v = rs.getString(i);
                        received += v == null ? 1 : v.length() + 1;
                    }
                    bytes.addAndGet(received);
                }
                return out;
            }
        }
    }

    private static RangePredicate predicate(Table t, KeyRange range) {
        if (range.all()) {
            return RangePredicate.of(t.key(), dev.ferry.engine.mysql.chunk.KeyRange.ALL);
        }
        if (t.key().isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A table without a key has one range, " + KeyRange.ALL);
        }
        return RangePredicate.of(t.key(), new dev.ferry.engine.mysql.chunk.KeyRange(bytes(t.key(), range.from()), bytes(t.key(), range.to())));
    }

    /** Canonical bound text to the bytes the chunk package binds: hex decoded for binary keys, UTF-8 otherwise. */
    private static List<byte[]> bytes(ChunkKey key, List<String> values) {
        if (values == null) {
            return null;
        }
        if (values.size() != key.columns().size()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A key bound needs %d value(s), got %d"
                    .formatted(key.columns().size(), values.size()));
        }
        List<byte[]> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            ChunkKey.Column column = key.columns().get(i);
            String v = values.get(i);
            try {
                if (column.type() == KeyType.INTEGER || column.type() == KeyType.DECIMAL) {
                    new java.math.BigDecimal(v);
                }
                out.add(column.type() == KeyType.BINARY ? HEX.parseHex(v) : v.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Key value %s is not a valid %s value of key column %s"
                        .formatted(v, column.type(), D.quote(column.name())), e);
            }
        }
        return out;
    }

    private static List<Object> bindable(ChunkKey key, List<String> values) {
        List<Object> out = new ArrayList<>();
        List<byte[]> raw = bytes(key, values);
        for (int i = 0; i < raw.size(); i++) {
            KeyType type = key.columns().get(i).type();
            out.add(switch (type) {
                case INTEGER, DECIMAL -> new java.math.BigDecimal(values.get(i));
                case BINARY -> raw.get(i);
                case TEXT, TEMPORAL -> values.get(i);
            });
        }
        return out;
    }

    /** Bytes of the chunk package to canonical text: hex for binary keys, UTF-8 text otherwise. */
    private static List<String> text(ChunkKey key, List<byte[]> values) {
        if (values == null) {
            return null;
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(key.columns().get(i).type() == KeyType.BINARY ? HEX.formatHex(values.get(i))
                    : new String(values.get(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    private FerryException missing(TableRef table) {
        return new FerryException(ErrorCode.NOT_FOUND, "Table %s does not exist on %s:%d"
                .formatted(name(table), sessions.server().host(), sessions.server().port()));
    }

    private static String name(TableRef table) {
        return D.quote(table.schema(), table.table());
    }
}
