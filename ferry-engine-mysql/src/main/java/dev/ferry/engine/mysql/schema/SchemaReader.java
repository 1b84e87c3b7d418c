package dev.ferry.engine.mysql.schema;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.catalog.Catalog;
import dev.ferry.engine.mysql.catalog.Column;
import dev.ferry.engine.mysql.chunk.ChunkKey;
import dev.ferry.engine.mysql.chunk.KeyFinder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a database's schema with SHOW CREATE on a (snapshot) connection. */
public final class SchemaReader {
    private static final Logger log = LoggerFactory.getLogger(SchemaReader.class);
    private static final Dialect D = Dialect.MYSQL;

    private SchemaReader() {}

    /** Reads the given tables and the selected views, routines, triggers (of selected tables) and events. */
    public static SourceSchema read(Connection c, String database, List<Catalog.TableEntry> tables, ObjectSelection selection)
            throws SQLException {
        Map<String, List<Column>> columns = Catalog.columns(c, database);
        Map<String, ChunkKey> keys = KeyFinder.keys(c, database);
        Map<TableRef, TableSchema> tableSchemas = new LinkedHashMap<>();
        for (Catalog.TableEntry t : tables) {
            TableRef ref = t.info().ref();
            List<Column> cols = columns.get(ref.table());
            if (cols == null) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                        "Table %s disappeared while its schema was read; retry the job".formatted(ref));
            }
            String create = showCreate(c, "SHOW CREATE TABLE " + D.quote(database, ref.table()), 2, ref.toString());
            boolean innodb = "innodb".equalsIgnoreCase(t.engine());
            String autoIncrement = cols.stream().filter(Column::autoIncrement).map(Column::name).findFirst().orElse(null);
            TableDdl ddl = innodb && create.startsWith("CREATE TABLE") ? TableDdl.split(create, autoIncrement) : TableDdl.whole(create);
            tableSchemas.put(ref, new TableSchema(ref, t.engine(), t.transactional(), cols, ddl, keys.get(ref.table())));
        }
        return new SourceSchema(database, tableSchemas, sequences(c, database, selection), views(c, database, selection), routines(c, database),
                triggers(c, database, selection), events(c, database));
    }

    private static List<SourceSequence> sequences(Connection c, String database, ObjectSelection selection) throws SQLException {
        List<SourceSequence> sequences = new ArrayList<>();
        for (String name : Sql.query(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME", rs -> rs.getString(1), database)) {
            if (!selection.includesTable(database, new TableRef(database, name))) {
                continue;
            }
            String ddl = showCreate(c, "SHOW CREATE SEQUENCE " + D.quote(database, name), 2, database + "." + name);
            long next = Sql.queryLong(c, "SELECT next_not_cached_value FROM " + D.quote(database, name));
            sequences.add(new SourceSequence(name, ddl, next));
        }
        return sequences;
    }

    private static List<SourceObject> views(Connection c, String database, ObjectSelection selection) throws SQLException {
        List<SourceObject> views = new ArrayList<>();
        for (String name : Sql.query(c, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
                rs -> rs.getString(1), database)) {
            if (!selection.includesTable(database, new TableRef(database, name))) {
                continue;
            }
            var row = Sql.queryOne(c, "SHOW CREATE VIEW " + D.quote(database, name),
                    rs -> new String[] {rs.getString(2), rs.getString(3), rs.getString(4)}).orElseThrow();
            views.add(new SourceObject(SourceObject.Kind.VIEW, name, required(row[0], "view", database, name),
                    null, row[1], row[2], null, null));
        }
        return views;
    }

    private static List<SourceObject> routines(Connection c, String database) throws SQLException {
        List<SourceObject> routines = new ArrayList<>();
        for (String[] r : Sql.query(c, """
                SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES
                WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME""",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, database)) {
            SourceObject.Kind kind = switch (r[0].toUpperCase(Locale.ROOT)) {
                case "PROCEDURE" -> SourceObject.Kind.PROCEDURE;
                case "FUNCTION" -> SourceObject.Kind.FUNCTION;
                default -> null;
            };
            if (kind == null) {
                log.atWarn().addKeyValue("database", database).addKeyValue("object", r[1]).addKeyValue("type", r[0])
                        .log("routine type not supported; it is not copied");
                continue;
            }
            var row = Sql.queryOne(c, "SHOW CREATE " + kind.name() + " " + D.quote(database, r[1]),
                    SchemaReader::settings).orElseThrow();
            routines.add(new SourceObject(kind, r[1], required(row[1], r[0].toLowerCase(Locale.ROOT), database, r[1]),
                    row[0], row[2], row[3], row[4], null));
        }
        return routines;
    }

    private static List<SourceObject> triggers(Connection c, String database, ObjectSelection selection) throws SQLException {
        List<SourceObject> triggers = new ArrayList<>();
        // Creation order keeps the action order of several triggers on the same table, timing and event.
        for (String[] t : Sql.query(c, """
                SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
                ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER""",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, database)) {
            if (!selection.includesTable(database, new TableRef(database, t[1]))) {
                continue;
            }
            var row = Sql.queryOne(c, "SHOW CREATE TRIGGER " + D.quote(database, t[0]),
                    SchemaReader::settings).orElseThrow();
            triggers.add(new SourceObject(SourceObject.Kind.TRIGGER, t[0], required(row[1], "trigger", database, t[0]),
                    row[0], row[2], row[3], row[4], null));
        }
        return triggers;
    }

    private static List<SourceObject> events(Connection c, String database) throws SQLException {
        List<SourceObject> events = new ArrayList<>();
        for (String name : Sql.query(c, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME",
                rs -> rs.getString(1), database)) {
            var row = Sql.queryOne(c, "SHOW CREATE EVENT " + D.quote(database, name),
                    rs -> new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7)}).orElseThrow();
            events.add(new SourceObject(SourceObject.Kind.EVENT, name, required(row[2], "event", database, name),
                    row[0], row[3], row[4], row[5], row[1]));
        }
        return events;
    }

    /**
     * SHOW CREATE PROCEDURE, FUNCTION and TRIGGER print the same columns from the second on: sql_mode, the
     * statement, character_set_client, collation_connection and the database collation.
     */
    private static String[] settings(java.sql.ResultSet rs) throws SQLException {
        return new String[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)};
    }

    private static String showCreate(Connection c, String sql, int column, String what) throws SQLException {
        return Sql.queryOne(c, sql, rs -> rs.getString(column))
                .orElseThrow(() -> new FerryException(ErrorCode.FAILED_PRECONDITION, "SHOW CREATE returned nothing for " + what));
    }

    private static String required(String ddl, String kind, String database, String name) {
        if (ddl == null || ddl.isEmpty()) {
            throw new FerryException(ErrorCode.PERMISSION_DENIED, ("The source user may not read the definition of %s %s.%s; "
                    + "grant SHOW VIEW, SELECT on mysql.proc (MariaDB) or SHOW_ROUTINE (MySQL), or TRIGGER/EVENT as needed")
                    .formatted(kind, database, name));
        }
        return ddl;
    }
}
