package dev.ferry.engine.mysql.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.engine.mysql.CollationDefaults;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the destination needs for receiving the source's databases (LOAD DATA LOCAL, the accounts that define
 * the source's objects, the binary log's rules for creating functions and triggers) and reports findings. Reads
 * only; thread-safe.
 */
public final class DestinationCheck {
    private final MySqlConnector connector;

    public DestinationCheck(MySqlConnector connector) {
        this.connector = connector;
    }

    /** A source object with its definer, such as {@code view `db`.`v`} and {@code app@%}. */
    private record Defined(String kind, String object, String definer) {}

    public List<Finding> check(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        List<Defined> defined;
        String sourceCollations;
        List<String> textParameters;
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            defined = definedObjects(c, databases);
            sourceCollations = CollationDefaults.of(c);
            textParameters = textParameters(c, databases);
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the definers of the source's views, routines, triggers and events");
        }
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            boolean[] vars = Sql.queryOne(c, "SELECT @@GLOBAL.local_infile, @@GLOBAL.log_bin, @@GLOBAL.log_bin_trust_function_creators",
                    rs -> new boolean[] {rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)}).orElseThrow();
            Map<String, List<String>> missing = new LinkedHashMap<>();
            boolean checked = missingDefiners(c, defined, missing);
            int functionsAndTriggers = (int) defined.stream().filter(d -> d.kind().equals("function") || d.kind().equals("trigger")).count();
            var facts = new DestinationFacts(destination.host() + ":" + destination.port(), vars[0], vars[1], vars[2],
                    Accounts.grants(c), Accounts.current(c).sql(), missing, checked, functionsAndTriggers);
            List<Finding> findings = new ArrayList<>(DestinationFindings.evaluate(facts));
            CollationDefaultsFinding.evaluate(facts.server(), sourceCollations, CollationDefaults.of(c), textParameters)
                    .ifPresent(findings::add);
            return findings;
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "check the destination's settings and accounts");
        }
    }

    /** The DEFINER accounts ({@code user@host}) of the views, routines, triggers and events of {@code databases}. */
    static java.util.Set<String> definers(Connection c, List<String> databases) throws SQLException {
        return definedObjects(c, databases).stream().map(Defined::definer).filter(d -> d != null && !d.isEmpty())
                .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private static List<Defined> definedObjects(Connection c, List<String> databases) throws SQLException {
        List<Defined> all = new ArrayList<>();
        for (String db : databases) {
            Sql.RowMapper<Defined> row = rs -> new Defined(rs.getString(1), rs.getString(1) + " " + Dialect.MYSQL.quote(db, rs.getString(2)),
                    rs.getString(3));
            all.addAll(Sql.query(c, """
                    SELECT 'view', TABLE_NAME, DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?
                    UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
                    UNION ALL SELECT 'trigger', TRIGGER_NAME, DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
                    UNION ALL SELECT 'event', EVENT_NAME, DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?""",
                    row, db, db, db, db));
        }
        return all;
    }

    /** The source's routine parameters of a text type, as {@code `db`.`routine`.name charset}. */
    private static List<String> textParameters(Connection c, List<String> databases) throws SQLException {
        List<String> all = new ArrayList<>();
        for (String db : databases) {
            all.addAll(Sql.query(c, """
                    SELECT SPECIFIC_NAME, PARAMETER_NAME, CHARACTER_SET_NAME FROM information_schema.PARAMETERS
                    WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0 AND CHARACTER_SET_NAME IS NOT NULL
                    ORDER BY SPECIFIC_NAME, ORDINAL_POSITION""",
                    rs -> Dialect.MYSQL.quote(db, rs.getString(1)) + "." + rs.getString(2) + " "
                            + rs.getString(3).toLowerCase(java.util.Locale.ROOT), db));
        }
        return all;
    }

    /** Fills {@code missing} with definer accounts absent on the destination; false when the account list is not readable. */
    private static boolean missingDefiners(Connection c, List<Defined> defined, Map<String, List<String>> missing)
            throws SQLException {
        Map<String, Boolean> exists = new LinkedHashMap<>();
        for (Defined d : defined) {
            if (d.definer() == null || d.definer().isEmpty()) {
                continue;
            }
            Accounts.Account account = Accounts.Account.parse(d.definer());
            String key = account.sql();
            if (!exists.containsKey(key)) {
                try {
                    exists.put(key, Accounts.exists(c, account));
                } catch (SQLException e) {
                    if (e.getErrorCode() == SqlErrors.TABLE_ACCESS_DENIED || e.getErrorCode() == SqlErrors.DB_ACCESS_DENIED) {
                        return false;
                    }
                    throw e;
                }
            }
            if (!exists.get(key)) {
                missing.computeIfAbsent(key, k -> new ArrayList<>()).add(d.object());
            }
        }
        return true;
    }
}
