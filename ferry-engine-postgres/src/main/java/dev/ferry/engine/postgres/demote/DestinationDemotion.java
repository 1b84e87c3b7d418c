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
import java.util.function.Consumer;

/**
 * Makes destination databases read-only for everyone but the connecting user: every new session there
 * starts read-only ({@code ALTER DATABASE ... SET default_transaction_read_only = on}; Ferry's own
 * sessions turn it off), and INSERT, UPDATE, DELETE and TRUNCATE granted on tables to other roles are
 * revoked. The record it returns is the list of statements that undo exactly that, each with its
 * database, so a restore puts back the previous setting and every revoked grant and nothing else. The
 * record is computed and handed over before the first change, and restoring it is harmless when the changes
 * never happened (it sets the previous setting and grants what was granted).
 */
public final class DestinationDemotion {
    private static final Dialect SQL = Dialect.POSTGRESQL;

    private DestinationDemotion() {}

    /** One change: the statement that makes it and the one that undoes it, both run in {@code database}. */
    private record Step(String database, String change, String undo) {}

    /** Demotes the databases that exist; returns the restore record (lines of base64 database and statement). */
    public static String demote(DatabaseConnection destination, List<String> databases) {
        return demote(destination, databases, record -> { });
    }

    /**
     * Reads what demoting would change, hands the restore record to {@code undoRecorded} (which makes it
     * durable), and only then changes the destination, step by step as recorded.
     */
    public static String demote(DatabaseConnection destination, List<String> databases, Consumer<String> undoRecorded) {
        List<Step> steps = plan(destination, databases);
        String record = String.join("\n", steps.stream().map(s -> line(s.database(), s.undo())).toList());
        undoRecorded.accept(record);
        for (Step step : steps) {
            try (Connection c = PgConnector.open(destination, step.database()); Statement s = c.createStatement()) {
                s.execute(step.change());
            } catch (SQLException e) {
                throw PgErrors.translate(e, destination, "demote the destination");
            }
        }
        return record;
    }

    private static List<Step> plan(DatabaseConnection destination, List<String> databases) {
        List<Step> steps = new ArrayList<>();
        try (Connection admin = PgConnector.open(destination)) {
            for (String database : databases) {
                if (!exists(admin, database)) {
                    continue;
                }
                String previous = previousSetting(admin, database);
                steps.add(new Step(PgConnector.MAINTENANCE_DATABASE,
                        "ALTER DATABASE %s SET default_transaction_read_only = on".formatted(SQL.quote(database)),
                        previous == null
                                ? "ALTER DATABASE %s RESET default_transaction_read_only".formatted(SQL.quote(database))
                                : "ALTER DATABASE %s SET default_transaction_read_only = %s".formatted(SQL.quote(database),
                                        SQL.literal(previous))));
                steps.addAll(revokeWrites(destination, database));
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "demote the destination");
        }
        return steps;
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

    private static List<Step> revokeWrites(DatabaseConnection destination, String database) throws SQLException {
        List<Step> steps = new ArrayList<>();
        try (Connection c = PgConnector.open(destination, database);
                PreparedStatement grants = c.prepareStatement("""
                        SELECT n.nspname, t.relname, r.rolname, a.privilege_type, a.is_grantable
                        FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace,
                             aclexplode(t.relacl) a JOIN pg_roles r ON r.oid = a.grantee
                        WHERE t.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry')
                          AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
                          AND r.rolname <> current_user AND a.grantee <> t.relowner
                        ORDER BY 1, 2, 3, 4""");
                ResultSet rows = grants.executeQuery()) {
            while (rows.next()) {
                String table = SQL.quote(rows.getString(1), rows.getString(2));
                String role = SQL.quote(rows.getString(3));
                String privilege = rows.getString(4);
                steps.add(new Step(database, "REVOKE %s ON %s FROM %s".formatted(privilege, table, role),
                        "GRANT %s ON %s TO %s%s".formatted(privilege, table, role,
                                rows.getBoolean(5) ? " WITH GRANT OPTION" : "")));
            }
        }
        return steps;
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
