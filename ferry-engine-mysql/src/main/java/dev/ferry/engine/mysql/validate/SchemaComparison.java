package dev.ferry.engine.mysql.validate;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.check.AccountCopy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the schema of one database on two MySQL/MariaDB servers, object by object, from information_schema:
 * tables, columns, indexes, constraints, views, routines, triggers, events (with the character_set_client,
 * collation_connection and database collation they were created under), MariaDB sequences (definitions, not
 * values) and the database, table and column privileges on the database, within the job's selection and apart from
 * Ferry's own bookkeeping. Privileges are compared where Ferry copies them: for accounts and roles that exist on both
 * servers (Ferry grants the source's privileges to the accounts the destination has), other than the server's own
 * accounts and the users the comparison connects as; one object per grantee and database, table or column. Every
 * object is read as named properties, normalised where servers of other versions print the same definition differently (integer display
 * widths, quoting of defaults, {@code current_timestamp()}, whitespace, {@code utf8} for {@code utf8mb3}); each object that is missing on one side or
 * differs becomes one ERROR finding {@link SchemaFindings#DIFFERENCE}. Reads only, one short statement at a time with
 * a short lock wait. Stateless.
 */
public final class SchemaComparison {
    private static final Dialect D = Dialect.MYSQL;
    /** Ferry's own objects on MySQL destinations (replication progress, ownership marker). */
    private static final String FERRY_DATABASE = "ferry";
    private static final Set<String> FERRY_TABLES = Set.of("replication_progress", "ownership");
    /** How the name of an object holding one grantee's privileges on a database, table or column begins. */
    private static final String PRIVILEGES = "privileges of ";

    private SchemaComparison() {}

    /** The differences, sorted by object. */
    public static List<Finding> compare(MySqlConnector connector, DatabaseConnection source, DatabaseConnection destination,
            String database, ObjectsConfig objects) {
        ObjectSelection selection = new ObjectSelection(objects, EngineKind.MYSQL);
        Side before = read(connector, source, database, selection);
        Side after = read(connector, destination, database, selection);
        return differences(before.comparable(after), after.comparable(before));
    }

    /**
     * One server's objects by name; {@code grantees} names the account ({@code user@host}) of each privilege object,
     * {@code accounts} the server's accounts and roles the same way (null when the user may not read them),
     * {@code self} the account the comparison connected as.
     */
    record Side(Map<String, Map<String, String>> objects, Map<String, String> grantees, Set<String> accounts, String self) {
        /**
         * The objects to compare against {@code other}: all but the privileges of accounts that one of the servers
         * lacks (or whose accounts are unknown) and of the accounts either comparison connected as.
         */
        Map<String, Map<String, String>> comparable(Side other) {
            Map<String, Map<String, String>> out = new TreeMap<>(objects);
            out.keySet().removeIf(object -> {
                String grantee = grantees.get(object);
                return grantee != null && (accounts == null || other.accounts == null || !accounts.contains(grantee)
                        || !other.accounts.contains(grantee) || grantee.equals(self) || grantee.equals(other.self));
            });
            return out;
        }
    }

    /** {@code user@host} with the host in lower case, as accounts are matched. */
    static String account(String user, String host) {
        return user + "@" + host.toLowerCase(java.util.Locale.ROOT);
    }

    /** One finding per object present on one side only or with differing properties. */
    static List<Finding> differences(Map<String, Map<String, String>> source, Map<String, Map<String, String>> destination) {
        List<Finding> findings = new ArrayList<>();
        Set<String> names = new TreeSet<>(source.keySet());
        names.addAll(destination.keySet());
        for (String object : names) {
            Map<String, String> s = source.get(object);
            Map<String, String> d = destination.get(object);
            boolean grant = object.startsWith(PRIVILEGES);
            if (d == null) {
                findings.add(finding(object, object + (grant ? " are granted on the source but not on the destination"
                        : " exists on the source but not on the destination"), grant
                        ? "Grant them on the destination as on the source"
                        : "Create " + object + " on the destination as on the source, or copy the database again"));
            } else if (s == null) {
                findings.add(finding(object, object + (grant ? " are granted on the destination but not on the source"
                        : " exists on the destination but not on the source"), grant
                        ? "Revoke them on the destination if nobody needs them there"
                        : "Drop " + object + " on the destination if nothing needs it there"));
            } else {
                List<String> differs = new ArrayList<>();
                Set<String> properties = new TreeSet<>(s.keySet());
                properties.addAll(d.keySet());
                for (String p : properties) {
                    String a = s.get(p);
                    String b = d.get(p);
                    if (!java.util.Objects.equals(a, b)) {
                        differs.add("%s is %s on the source but %s on the destination".formatted(p, show(a), show(b)));
                    }
                }
                if (!differs.isEmpty()) {
                    findings.add(finding(object, object + " differs: " + String.join("; ", differs),
                            "Change " + object + " on the destination to match the source"));
                }
            }
        }
        return findings;
    }

    private static String show(String value) {
        if (value == null) {
            return "absent";
        }
        String v = value.length() > 200 ? value.substring(0, 200) + "…" : value;
        return "'" + v + "'";
    }

    private static Finding finding(String object, String message, String remedy) {
        return new Finding(SchemaFindings.DIFFERENCE, Severity.ERROR, message, remedy, object);
    }

    private static Side read(MySqlConnector connector, DatabaseConnection server, String database,
            ObjectSelection selection) {
        try (Connection c = connector.open(server, null, MySqlConnector.Role.SOURCE)) {
            Sql.execute(c, "SET SESSION lock_wait_timeout = " + Sessions.LOCK_WAIT_SECONDS);
            Flavor flavor = ServerVersion.of(c).flavor();
            return new Reader(c, database, selection, flavor).read();
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, "read the schema of database " + D.quote(database));
        }
    }

    /** Reads one server's objects of one database as properties by object name. */
    private static final class Reader {
        private final Connection c;
        private final String db;
        private final ObjectSelection selection;
        private final Flavor flavor;
        private final Map<String, Map<String, String>> objects = new TreeMap<>();
        private final Map<String, String> grantees = new TreeMap<>();
        private Set<String> accounts;

        Reader(Connection c, String db, ObjectSelection selection, Flavor flavor) {
            this.c = c;
            this.db = db;
            this.selection = selection;
            this.flavor = flavor;
        }

        private boolean selected(String table) {
            if (db.equals(FERRY_DATABASE) && FERRY_TABLES.contains(table)) {
                return false;
            }
            return selection.includesTable(db, new TableRef(db, table));
        }

        private Map<String, String> object(String kind, String... name) {
            return objects.computeIfAbsent(kind + " " + db + "." + String.join(".", name), k -> new TreeMap<>());
        }

        Side read() throws SQLException {
            tables();
            columns();
            indexes();
            constraints();
            views();
            routines();
            triggers();
            events();
            if (flavor == Flavor.MARIADB) {
                sequences();
            }
            privileges();
            String self = Sql.queryString(c, "SELECT CURRENT_USER()").orElseThrow();
            int at = self.lastIndexOf('@');
            return new Side(objects, grantees, accounts, at < 0 ? self : account(self.substring(0, at), self.substring(at + 1)));
        }

        /**
         * The privileges on the database, one object per grantee and database, table or column: its privileges and
         * those it may grant on; and the server's accounts, which need read access to {@code mysql.user}.
         */
        private void privileges() throws SQLException {
            try {
                accounts = new TreeSet<>(Sql.query(c, "SELECT User, Host FROM mysql.user",
                        rs -> account(rs.getString(1), rs.getString(2))));
            } catch (SQLException e) {
                if (e.getErrorCode() != 1142) { // no SELECT on mysql.user: no accounts known, no privileges compared
                    throw e;
                }
                return;
            }
            Map<String, Set<String>> granted = new TreeMap<>();
            Set<String> grantable = new TreeSet<>();
            for (AccountCopy.Privilege p : AccountCopy.privileges(c, List.of(db))) {
                if (AccountCopy.systemUser(p.user()) || p.table() != null && !selected(p.table())) {
                    continue;
                }
                String grantee = account(p.user(), p.host());
                String object = PRIVILEGES + (p.host().isEmpty() ? p.user() : grantee) + " on " + db
                        + (p.table() == null ? ".*" : "." + p.table() + (p.column() == null ? "" : "." + p.column()));
                grantees.put(object, grantee);
                granted.computeIfAbsent(object, k -> new TreeSet<>()).add(p.privilege());
                if (p.grantable()) {
                    grantable.add(object);
                }
            }
            granted.forEach((object, list) -> {
                Map<String, String> o = objects.computeIfAbsent(object, k -> new TreeMap<>());
                o.put("privileges", String.join(", ", list));
                o.put("grant option", grantable.contains(object) ? "yes" : "no");
            });
        }

        private void tables() throws SQLException {
            Sql.query(c, """
                    SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT
                    FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')""",
                    rs -> {
                        if (selected(rs.getString(1))) {
                            Map<String, String> t = object("table", rs.getString(1));
                            t.put("type", rs.getString(2));
                            t.put("engine", rs.getString(3));
                            t.put("collation", rs.getString(4));
                            t.put("options", createOptions(rs.getString(5)));
                            t.put("comment", rs.getString(6));
                        }
                        return null;
                    }, db);
        }

        private void columns() throws SQLException {
            Sql.query(c, """
                    SELECT c.TABLE_NAME, c.COLUMN_NAME, c.ORDINAL_POSITION, c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT, c.EXTRA,
                           c.GENERATION_EXPRESSION, c.CHARACTER_SET_NAME, c.COLLATION_NAME, c.COLUMN_COMMENT
                    FROM information_schema.COLUMNS c
                    JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
                    WHERE c.TABLE_SCHEMA = ? AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')""",
                    rs -> {
                        if (selected(rs.getString(1))) {
                            Map<String, String> col = object("column", rs.getString(1), rs.getString(2));
                            col.put("position", rs.getString(3));
                            col.put("type", columnType(rs.getString(4)));
                            col.put("nullable", rs.getString(5));
                            col.put("default", columnDefault(rs.getString(6)));
                            col.put("extra", extra(rs.getString(7)));
                            col.put("generated as", whitespace(rs.getString(8)));
                            col.put("character set", rs.getString(9));
                            col.put("collation", rs.getString(10));
                            col.put("comment", rs.getString(11));
                        }
                        return null;
                    }, db);
        }

        private void indexes() throws SQLException {
            Sql.query(c, """
                    SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_COMMENT
                    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
                    ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX""",
                    rs -> {
                        if (selected(rs.getString(1))) {
                            Map<String, String> i = object("index", rs.getString(1), rs.getString(2));
                            i.put("unique", rs.getInt(3) == 0 ? "yes" : "no");
                            i.put("type", rs.getString(4));
                            i.put("comment", rs.getString(8));
                            String column = (rs.getString(5) == null ? "(expression)" : D.quote(rs.getString(5)))
                                    + (rs.getString(6) == null ? "" : "(" + rs.getString(6) + ")")
                                    + ("D".equals(rs.getString(7)) ? " DESC" : "");
                            i.merge("columns", column, (a, b) -> a + ", " + b);
                        }
                        return null;
                    }, db);
        }

        private void constraints() throws SQLException {
            Sql.query(c, """
                    SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS
                    WHERE CONSTRAINT_SCHEMA = ? AND CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')""",
                    rs -> {
                        if (selected(rs.getString(1))) {
                            object("constraint", rs.getString(1), rs.getString(2)).put("type", rs.getString(3));
                        }
                        return null;
                    }, db);
            Sql.query(c, """
                    SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME,
                           k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
                    FROM information_schema.KEY_COLUMN_USAGE k
                    JOIN information_schema.REFERENTIAL_CONSTRAINTS r
                      ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
                    WHERE k.CONSTRAINT_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
                    ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION""",
                    rs -> {
                        if (selected(rs.getString(1))) {
                            Map<String, String> fk = object("constraint", rs.getString(1), rs.getString(2));
                            fk.merge("columns", D.quote(rs.getString(3)), (a, b) -> a + ", " + b);
                            fk.put("references", D.quote(rs.getString(4), rs.getString(5)));
                            fk.merge("referenced columns", D.quote(rs.getString(6)), (a, b) -> a + ", " + b);
                            fk.put("on update", rs.getString(7));
                            fk.put("on delete", rs.getString(8));
                        }
                        return null;
                    }, db);
            String checks = flavor == Flavor.MARIADB
                    ? "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?"
                    : """
                    SELECT t.TABLE_NAME, k.CONSTRAINT_NAME, k.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS k
                    JOIN information_schema.TABLE_CONSTRAINTS t
                      ON t.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK'
                    WHERE k.CONSTRAINT_SCHEMA = ?""";
            try {
                Sql.query(c, checks, rs -> {
                    if (selected(rs.getString(1))) {
                        Map<String, String> check = object("constraint", rs.getString(1), rs.getString(2));
                        check.put("type", "CHECK");
                        check.put("check", whitespace(rs.getString(3)));
                    }
                    return null;
                }, db);
            } catch (SQLException e) {
                if (e.getErrorCode() != 1109) { // no CHECK_CONSTRAINTS before MySQL 8.0.16: no checks to compare
                    throw e;
                }
            }
        }

        private void views() throws SQLException {
            Sql.query(c, """
                    SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, DEFINER, CHARACTER_SET_CLIENT,
                           COLLATION_CONNECTION
                    FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?""",
                    rs -> {
                        if (selected(rs.getString(1))) {
                            Map<String, String> v = object("view", rs.getString(1));
                            v.put("definition", whitespace(rs.getString(2)));
                            v.put("check option", rs.getString(3));
                            v.put("security", rs.getString(4));
                            v.put("definer", rs.getString(5));
                            createdUnder(v, rs.getString(6), rs.getString(7), null);
                        }
                        return null;
                    }, db);
        }

        private void routines() throws SQLException {
            Sql.query(c, """
                    SELECT ROUTINE_TYPE, ROUTINE_NAME, ROUTINE_DEFINITION, DTD_IDENTIFIER, IS_DETERMINISTIC, SQL_DATA_ACCESS,
                           SECURITY_TYPE, DEFINER, ROUTINE_COMMENT, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,
                           DATABASE_COLLATION
                    FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')""",
                    rs -> {
                        Map<String, String> r = object(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
                        r.put("body", whitespace(rs.getString(3)));
                        r.put("returns", rs.getString(4) == null ? null : columnType(rs.getString(4)));
                        r.put("deterministic", rs.getString(5));
                        r.put("data access", rs.getString(6));
                        r.put("security", rs.getString(7));
                        r.put("definer", rs.getString(8));
                        r.put("comment", rs.getString(9));
                        r.put("sql mode", rs.getString(10));
                        createdUnder(r, rs.getString(11), rs.getString(12), rs.getString(13));
                        return null;
                    }, db);
            // The collation of each text parameter and result: a character set named without one gets the server's
            // default for it, which MariaDB 11.4's packages changed (utf8mb4_uca1400_ai_ci).
            Sql.query(c, """
                    SELECT ROUTINE_TYPE, SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER,
                           COLLATION_NAME
                    FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')
                    ORDER BY ROUTINE_TYPE, SPECIFIC_NAME, ORDINAL_POSITION""",
                    rs -> {
                        Map<String, String> r = object(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
                        String collation = rs.getString(7) == null ? "" : " COLLATE " + rs.getString(7);
                        if (rs.getInt(3) == 0) {
                            if (!collation.isEmpty()) {
                                r.put("returns collation", rs.getString(7));
                            }
                            return null;
                        }
                        String p = (rs.getString(4) == null ? "" : rs.getString(4) + " ") + D.quote(rs.getString(5)) + " "
                                + columnType(rs.getString(6)) + collation;
                        r.merge("parameters", p, (a, b) -> a + ", " + b);
                        return null;
                    }, db);
        }

        private void triggers() throws SQLException {
            Sql.query(c, """
                    SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT, ACTION_ORDER,
                           DEFINER, SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, DATABASE_COLLATION
                    FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?""",
                    rs -> {
                        if (selected(rs.getString(2))) {
                            Map<String, String> t = object("trigger", rs.getString(1));
                            t.put("table", rs.getString(2));
                            t.put("timing", rs.getString(3));
                            t.put("event", rs.getString(4));
                            t.put("statement", whitespace(rs.getString(5)));
                            t.put("order", rs.getString(6));
                            t.put("definer", rs.getString(7));
                            t.put("sql mode", rs.getString(8));
                            createdUnder(t, rs.getString(9), rs.getString(10), rs.getString(11));
                        }
                        return null;
                    }, db);
        }

        private void events() throws SQLException {
            Sql.query(c, """
                    SELECT EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, EXECUTE_AT, INTERVAL_VALUE, INTERVAL_FIELD, STARTS, ENDS,
                           STATUS, ON_COMPLETION, DEFINER, EVENT_COMMENT, TIME_ZONE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION,
                           DATABASE_COLLATION
                    FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?""",
                    rs -> {
                        Map<String, String> e = object("event", rs.getString(1));
                        e.put("body", whitespace(rs.getString(2)));
                        e.put("type", rs.getString(3));
                        e.put("at", rs.getString(4));
                        e.put("every", rs.getString(5) == null ? null : rs.getString(5) + " " + rs.getString(6));
                        e.put("starts", rs.getString(7));
                        e.put("ends", rs.getString(8));
                        e.put("status", rs.getString(9));
                        e.put("on completion", rs.getString(10));
                        e.put("definer", rs.getString(11));
                        e.put("comment", rs.getString(12));
                        e.put("time zone", rs.getString(13));
                        createdUnder(e, rs.getString(14), rs.getString(15), rs.getString(16));
                        return null;
                    }, db);
        }

        /**
         * The session settings an object was created under, which decide how its text and literals are read: the
         * client character set, the connection collation and (routines, triggers, events) the database collation.
         */
        private static void createdUnder(Map<String, String> object, String client, String connection, String database) {
            object.put("character_set_client", charsetName(client));
            object.put("collation_connection", charsetName(connection));
            if (database != null) {
                object.put("database collation", charsetName(database));
            }
        }

        private void sequences() throws SQLException {
            for (String name : Sql.query(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_TYPE = 'SEQUENCE'", rs -> rs.getString(1), db)) {
                if (!selected(name)) {
                    continue;
                }
                Sql.query(c, "SELECT minimum_value, maximum_value, start_value, increment, cache_size, cycle_option FROM "
                        + D.quote(db, name), rs -> {
                            Map<String, String> s = object("sequence", name);
                            s.put("minimum", rs.getString(1));
                            s.put("maximum", rs.getString(2));
                            s.put("start", rs.getString(3));
                            s.put("increment", rs.getString(4));
                            s.put("cache", rs.getString(5));
                            s.put("cycle", rs.getString(6));
                            return null;
                        });
            }
        }
    }

    /** {@code utf8} and {@code utf8_*} as the servers that call them {@code utf8mb3} print them. */
    static String charsetName(String name) {
        if (name == null) {
            return null;
        }
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.equals("utf8") ? "utf8mb3" : n.startsWith("utf8_") ? "utf8mb3_" + n.substring(5) : n;
    }

    /** Whitespace runs as one space, trimmed; null stays null. */
    static String whitespace(String s) {
        return s == null ? null : s.strip().replaceAll("\\s+", " ");
    }

    /** MySQL 8.0.19+ prints integer types without their display width: compare without it. */
    static String columnType(String type) {
        if (type == null) {
            return null;
        }
        return type.toLowerCase(java.util.Locale.ROOT).replaceAll("^(tinyint|smallint|mediumint|int|integer|bigint)\\(\\d+\\)", "$1");
    }

    /**
     * MariaDB quotes text defaults and prints NULL as the word, MySQL prints them bare and NULL as no value;
     * {@code current_timestamp()} against {@code CURRENT_TIMESTAMP}.
     */
    static String columnDefault(String value) {
        if (value == null || value.equals("NULL")) {
            return "NULL";
        }
        String v = value;
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            v = v.substring(1, v.length() - 1).replace("''", "'").replace("\\\\", "\\");
        }
        return currentTimestamp(v);
    }

    /** Lower case, without MySQL's DEFAULT_GENERATED marker, one spelling of current_timestamp. */
    static String extra(String value) {
        if (value == null) {
            return "";
        }
        String v = value.toLowerCase(java.util.Locale.ROOT).replace("default_generated", "");
        return whitespace(currentTimestamp(v));
    }

    private static String currentTimestamp(String v) {
        return v.replaceAll("(?i)current_timestamp(\\(\\))?(?![(\\w])", "current_timestamp");
    }

    /** The options Ferry copies, sorted; without the partitioning marker and the counter-like ones. */
    static String createOptions(String value) {
        if (value == null || value.isBlank()) {
            return "";
        }
        Set<String> options = new TreeSet<>();
        for (String o : value.trim().split("\\s+")) {
            String lower = o.toLowerCase(java.util.Locale.ROOT);
            if (!lower.equals("partitioned") && !lower.startsWith("auto_increment")) {
                options.add(o);
            }
        }
        return String.join(" ", options);
    }
}
