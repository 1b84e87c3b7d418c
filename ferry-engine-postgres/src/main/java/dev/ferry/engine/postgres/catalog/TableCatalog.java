package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.TableInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tables, relations and columns of one database. Read on a connection inside the snapshot's
 * transaction, the answers describe the snapshot. Stateless; the caller owns the connection.
 */
public final class TableCatalog {
    private static final String NOT_IN_EXTENSION = " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
            + "WHERE d.deptype = 'e' AND ((d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid) "
            + "OR (d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid)))";

    /**
     * The statistics' row count of table {@code c}, or, for a table never analyzed or vacuumed (its {@code reltuples}
     * is -1, or 0 with no pages before PostgreSQL 14), the planner's own guess: its pages times the rows that fit in
     * one, with 32 bytes for each column of variable width. Within a factor of two for most tables: a progress total,
     * not a count.
     */
    static final String ROWS_ESTIMATE = "CASE WHEN c.reltuples > 0 OR c.reltuples = 0 AND c.relpages > 0 "
            + "THEN c.reltuples::bigint ELSE (pg_catalog.pg_relation_size(c.oid) / "
            + "pg_catalog.current_setting('block_size')::int * (pg_catalog.current_setting('block_size')::int - 24) "
            + "/ (28 + coalesce((SELECT pg_catalog.sum(CASE WHEN a.attlen > 0 THEN a.attlen ELSE 32 END) "
            + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), 0))"
            + "::float8)::bigint END";

    private TableCatalog() {}

    /**
     * The tables holding data that {@code selection} selects: plain tables and leaf partitions (never
     * partitioned parents, foreign tables or extension members), largest first (heap and TOAST). Ferry's own
     * {@code ferry} schema is left out.
     */
    public static List<TableInfo> tables(Connection c, String database, ObjectSelection selection) throws SQLException {
        List<TableInfo> tables = new ArrayList<>();
        String sql = "SELECT n.nspname, c.relname, " + ROWS_ESTIMATE + ", pg_catalog.pg_table_size(c.oid), "
                + "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind = 'r' AND n.nspname <> 'ferry' AND " + UserObjects.USER_SCHEMA + NOT_IN_EXTENSION;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                TableRef ref = new TableRef(rs.getString(1), rs.getString(2));
                if (selection == null || selection.includesTable(database, ref)) {
                    tables.add(new TableInfo(ref, rs.getLong(3), rs.getLong(4), rs.getBoolean(5)));
                }
            }
        }
        tables.sort(Comparator.comparingLong(TableInfo::estimatedBytes).reversed()
                .thenComparing(Comparator.comparingLong(TableInfo::estimatedRows).reversed())
                .thenComparing(t -> t.ref().toString()));
        return tables;
    }

    /**
     * Every table that holds or routes data in user schemas, with its storage ({@code relfilenode}, 0 for a partitioned
     * parent) and whether it is a partitioned parent: what change replication follows on both sides. Parents come
     * first, so a new parent is made before its partitions; Ferry's own {@code ferry} schema is left out.
     */
    public static Map<TableRef, long[]> storedTables(Connection c) throws SQLException {
        Map<TableRef, long[]> tables = new LinkedHashMap<>();
        String sql = "SELECT n.nspname, c.relname, c.relfilenode, c.relkind = 'p' FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                + "AND c.relpersistence <> 't' AND n.nspname <> 'ferry' AND " + UserObjects.USER_SCHEMA + NOT_IN_EXTENSION
                + " ORDER BY c.relkind = 'p' DESC, n.nspname, c.relname";
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                tables.put(new TableRef(rs.getString(1), rs.getString(2)), new long[] {rs.getLong(3), rs.getBoolean(4) ? 1 : 0});
            }
        }
        return tables;
    }

    /** Every user relation that pg_dump filters by table name: tables, partitioned tables, views, matviews, foreign tables. */
    public static List<TableRef> relations(Connection c) throws SQLException {
        return refs(c, "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + UserObjects.USER_SCHEMA
                + NOT_IN_EXTENSION);
    }

    /** The sequences in user schemas (including those behind identity and serial columns), Ferry's own left out. */
    public static List<TableRef> sequences(Connection c) throws SQLException {
        return refs(c, "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname <> 'ferry' AND " + UserObjects.USER_SCHEMA
                + NOT_IN_EXTENSION);
    }

    /** The user schemas, public included, extension-owned ones excluded. */
    public static List<String> schemas(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE "
                        + UserObjects.USER_SCHEMA + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE "
                        + "d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e') "
                        + "ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * The columns a copy moves, in table order: not dropped and not generated. Empty when the table
     * does not exist; a present list may be empty for a table without copyable columns.
     */
    public static Optional<List<Column>> copyColumns(Connection c, TableRef table) throws SQLException {
        boolean hasGenerated = c.getMetaData().getDatabaseMajorVersion() >= 12;
        String sql = "SELECT a.attname, a.atttypid FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + (hasGenerated ? " AND a.attgenerated = ''" : "")
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') ORDER BY a.attnum";
        boolean found = false;
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found = true;
                    if (rs.getString(1) != null) {
                        columns.add(new Column(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
        }
        return found ? Optional.of(columns) : Optional.empty();
    }

    /**
     * What the copy of {@code table} depends on, as one text: its storage (a rewrite or TRUNCATE gives it a new
     * file, which an older snapshot sees empty) and its columns (name, type, modifier, NOT NULL, dropped). Two
     * sessions reading different snapshots get different texts when the table changed in between. Empty when
     * the table does not exist.
     */
    public static Optional<String> fingerprint(Connection c, TableRef table) throws SQLException {
        String sql = "SELECT c.relfilenode || '/' || coalesce((SELECT pg_catalog.string_agg(a.attname || ':' || a.atttypid "
                + "|| ':' || a.atttypmod || ':' || a.attnotnull || ':' || a.attisdropped, ',' ORDER BY a.attnum) "
                + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0), '') "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * The columns of {@code table} as a definition states them, in table order, dropped ones left out. Types
     * and expressions name their schemas only when the session's {@code search_path} does not reach them, so
     * call with an empty one to compare two servers. Empty list when the table does not exist.
     */
    public static List<ColumnDefinition> definedColumns(Connection c, TableRef table) throws SQLException {
        boolean hasGenerated = c.getMetaData().getDatabaseMajorVersion() >= 12;
        String sql = "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                + "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, "
                + (hasGenerated ? "a.attgenerated" : "''") + " FROM pg_catalog.pg_attribute a "
                + "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        List<ColumnDefinition> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String identity = rs.getString(5);
                    String generated = rs.getString(6);
                    columns.add(new ColumnDefinition(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4),
                            identity == null || identity.isEmpty() ? ' ' : identity.charAt(0),
                            generated != null && !generated.isEmpty()));
                }
            }
        }
        return columns;
    }

    /**
     * A column as its table's definition states it: {@code type} as format_type prints it, {@code expression} the
     * default or generation expression (null for none), {@code identity} 'a' (always), 'd' (by default) or ' '.
     */
    public record ColumnDefinition(String name, String type, boolean notNull, String expression, char identity,
            boolean generated) {
        public ColumnDefinition {
            if (name == null || name.isEmpty() || type == null || type.isEmpty()) {
                throw new IllegalArgumentException("a column needs a name and a type");
            }
        }
    }

    private static List<TableRef> refs(Connection c, String sql) throws SQLException {
        List<TableRef> refs = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                refs.add(new TableRef(rs.getString(1), rs.getString(2)));
            }
        }
        return refs;
    }

    /** A column as a copy sees it: its name and type oid. */
    public record Column(String name, long typeOid) {}
}
