package dev.ferry.engine.postgres.demote;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Makes destination databases read-only for everyone but the connecting user: every new session there
 * starts read-only ({@code ALTER DATABASE ... SET default_transaction_read_only = on}; Ferry's own
 * sessions turn it off), and INSERT, UPDATE, DELETE and TRUNCATE granted on tables to other roles are
 * revoked. The record it returns is the list of statements that undo exactly that, each with its
 * database, so a restore puts back the previous setting and every revoked grant and nothing else.
 */
public final class DestinationDemotion {
    private static final Dialect SQL = Dialect.POSTGRESQL;

    private DestinationDemotion() {}

    /** Demotes the databases that exist; returns the restore record (lines of base64 database and statement). */
    public static String demote(DatabaseConnection destination, List<String> databases) {
        List<String> undo = new ArrayList<>();
        try (Connection admin = PgConnector.open(destination)) {
            for (String database : databases) {
                if (!exists(admin, database)) {
                    continue;
                }
                String previous = previousSetting(admin, database);
                undo.add(line(PgConnector.MAINTENANCE_DATABASE, previous == null
                        ? "ALTER DATABASE %s RESET default_transaction_read_only".formatted(SQL.quote(database))
                        : "ALTER DATABASE %s SET default_transaction_read_only = %s".formatted(SQL.quote(database),
                                SQL.literal(previous))));
                try (Statement s = admin.createStatement()) {
                    s.execute("ALTER DATABASE %s SET default_transaction_read_only = on".formatted(SQL.quote(database)));
                }
                undo.addAll(revokeWrites(destination, database));
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "demote the destination");
        }
        return String.join("\n", undo);
    }

    /** Runs the statements of a demotion record, database by database. Idempotent. */
    public static void restore(DatabaseConnection destination, String record) {
        if (record == null || record.isBlank()) {
            return;
        }
        for (String line : record.split("\n")) {
            String[] parts = line.split(" ", 2);
            String database = decode(parts[0]);
            try (Connection c = PgConnector.open(destination, database); Statement s = c.createStatement()) {
                s.execute(decode(parts[1]));
            } catch (SQLException e) {
                throw PgErrors.translate(e, destination, "restore the destination's settings");
            }
        }
    }

    private static List<String> revokeWrites(DatabaseConnection destination, String database) throws SQLException {
        List<String> undo = new ArrayList<>();
        try (Connection c = PgConnector.open(destination, database);
                PreparedStatement grants = c.prepareStatement("""
                        SELECT n.nspname, t.relname, r.rolname, a.privilege_type, a.is_grantable
                        FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace,
                             aclexplode(t.relacl) a JOIN pg_roles r ON r.oid = a.grantee
                        WHERE t.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry')
                          AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
                          AND r.rolname <> current_user AND a.grantee <> t.relowner
                        ORDER BY 1, 2, 3, 4""");
                ResultSet rows = grants.executeQuery();
                Statement revoke = c.createStatement()) {
            while (rows.next()) {
                String table = SQL.quote(rows.getString(1), rows.getString(2));
                String role = SQL.quote(rows.getString(3));
                String privilege = rows.getString(4);
                revoke.execute("REVOKE %s ON %s FROM %s".formatted(privilege, table, role));
                undo.add(line(database, "GRANT %s ON %s TO %s%s".formatted(privilege, table, role,
                        rows.getBoolean(5) ? " WITH GRANT OPTION" : "")));
            }
        }
        return undo;
    }

    private static boolean exists(Connection admin, String database) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String previousSetting(Connection admin, String database) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("""
                SELECT split_part(c, '=', 2) FROM pg_db_role_setting r JOIN pg_database d ON d.oid = r.setdatabase,
                       unnest(r.setconfig) c
                WHERE d.datname = ? AND r.setrole = 0 AND c LIKE 'default\\_transaction\\_read\\_only=%'""")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String line(String database, String statement) {
        return encode(database) + " " + encode(statement);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
}
