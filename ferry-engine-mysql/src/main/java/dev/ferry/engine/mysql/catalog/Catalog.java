package dev.ferry.engine.mysql.catalog;

import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Queries over information_schema. Stateless; each method uses the connection it is given. */
public final class Catalog {
    /** Databases that belong to the server, never migrated. */
    public static final Set<String> SYSTEM_DATABASES = Set.of("mysql", "information_schema", "performance_schema", "sys");

    /** Engines whose tables join a consistent-snapshot transaction. */
    private static final Set<String> TRANSACTIONAL_ENGINES = Set.of("innodb", "xtradb", "rocksdb", "tokudb");

    private Catalog() {}

    /** A database's default character set and collation. */
    public record DatabaseDefaults(String characterSet, String collation) {}

    /** A base table with its storage engine and statistics. */
    public record TableEntry(TableInfo info, String engine) {
        public boolean transactional() {
            return engine != null && TRANSACTIONAL_ENGINES.contains(engine.toLowerCase(Locale.ROOT));
        }
    }

    public static List<String> databases(Connection c) throws SQLException {
        return Sql.query(c, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA", rs -> rs.getString(1)).stream()
                .filter(db -> !SYSTEM_DATABASES.contains(db.toLowerCase(Locale.ROOT)))
                .sorted()
                .toList();
    }

    public static Optional<DatabaseDefaults> defaults(Connection c, String database) throws SQLException {
        return Sql.queryOne(c, """
                SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME
                FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?""",
                rs -> new DatabaseDefaults(rs.getString(1), rs.getString(2)), database);
    }

    /** Readable names of every user object in the database, sorted: {@code table db.t}, {@code view db.v}... */
    public static List<String> userObjects(Connection c, String database) throws SQLException {
        List<String> names = new ArrayList<>();
        names.addAll(Sql.query(c, """
                SELECT CASE TABLE_TYPE WHEN 'VIEW' THEN 'view' WHEN 'SEQUENCE' THEN 'sequence' ELSE 'table' END,
                       TABLE_NAME
                FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?""",
                rs -> rs.getString(1) + " " + database + "." + rs.getString(2), database));
        names.addAll(Sql.query(c, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?",
                rs -> rs.getString(1).toLowerCase(Locale.ROOT) + " " + database + "." + rs.getString(2), database));
        names.addAll(Sql.query(c, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?",
                rs -> "trigger " + database + "." + rs.getString(1), database));
        names.addAll(Sql.query(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?",
                rs -> "event " + database + "." + rs.getString(1), database));
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** The selected base tables with estimates and whether each has a primary key, largest first. */
    public static List<TableEntry> baseTables(Connection c, String database, ObjectSelection selection) throws SQLException {
        List<TableEntry> tables = Sql.query(c, """
                SELECT t.TABLE_NAME, t.ENGINE, COALESCE(t.TABLE_ROWS, 0), COALESCE(t.DATA_LENGTH, 0),
                       EXISTS (SELECT 1 FROM information_schema.STATISTICS k
                               WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME
                                 AND k.INDEX_NAME = 'PRIMARY')
                FROM information_schema.TABLES t
                WHERE t.TABLE_SCHEMA = ? AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')""",
                rs -> new TableEntry(new TableInfo(new TableRef(database, rs.getString(1)), rs.getLong(3), rs.getLong(4),
                        rs.getBoolean(5)), rs.getString(2)),
                database);
        return tables.stream()
                .filter(t -> selection.includesTable(database, t.info().ref()))
                .sorted(Comparator.comparingLong((TableEntry t) -> t.info().estimatedBytes()).reversed()
                        .thenComparing(t -> t.info().ref().table()))
                .toList();
    }

    /** The columns of every table and view of the database in ordinal order, by table name. */
    public static Map<String, List<Column>> columns(Connection c, String database) throws SQLException {
        Map<String, List<Column>> byTable = new LinkedHashMap<>();
        Sql.query(c, """
                SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE,
                       COALESCE(GENERATION_EXPRESSION, '') <> '' OR EXTRA LIKE '%GENERATED%' AND EXTRA NOT LIKE '%DEFAULT_GENERATED%'
                           OR EXTRA LIKE '%PERSISTENT%' OR EXTRA LIKE '%ROW START%' OR EXTRA LIKE '%ROW END%',
                       EXTRA LIKE '%auto_increment%'
                FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?
                ORDER BY TABLE_NAME, ORDINAL_POSITION""",
                rs -> byTable.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5))),
                database);
        return byTable;
    }
}
