package dev.ferry.engine.mysql.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives a destination the source's accounts that the selected databases use: the DEFINERs of their views, routines,
 * triggers and events, and the accounts granted privileges on them. {@link #accounts} creates the missing ones
 * locked ({@code ACCOUNT LOCK}, no password: Ferry never reads passwords from the source) before the schema is
 * created, so definers exist; {@link #privileges} grants the source's database, table and column privileges on the
 * selected databases once their tables exist. Privileges are read from {@code information_schema}, which shows all of
 * them to a source user that may read the {@code mysql} schema and only its own otherwise. Stateless.
 */
public final class AccountCopy {
    private static final Pattern GRANTEE = Pattern.compile("^'(.*)'@'(.*)'$", Pattern.DOTALL);
    private static final Set<String> SYSTEM_USERS = Set.of("root", "mariadb.sys", "mysql.sys", "mysql.session",
            "mysql.infoschema", "PUBLIC");

    private final MySqlConnector connector;

    public AccountCopy(MySqlConnector connector) {
        this.connector = connector;
    }

    /**
     * A privilege granted on a database: on the whole database ({@code table} null), on a table, or on one column of
     * it ({@code column} not null). {@code host} is empty for a MariaDB role.
     */
    public record Privilege(String user, String host, String privilege, String database, String table, String column,
            boolean grantable) {
        Accounts.Account grantee() {
            return new Accounts.Account(user, host);
        }

        /** What a GRANT names: {@code `db`.*} or {@code `db`.`table`}. */
        public String on() {
            return table == null ? Dialect.MYSQL.quote(database) + ".*" : Dialect.MYSQL.quote(database, table);
        }
    }

    /** Whether {@code user} is one of the server's own accounts, whose privileges Ferry neither copies nor compares. */
    public static boolean systemUser(String user) {
        return SYSTEM_USERS.contains(user);
    }

    /** Creates the accounts the databases use that the destination lacks; one line per account created. */
    public List<String> accounts(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        Set<Accounts.Account> used = new LinkedHashSet<>();
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            for (String definer : DestinationCheck.definers(c, databases)) {
                used.add(Accounts.Account.parse(definer));
            }
            privileges(c, databases).forEach(p -> used.add(p.grantee()));
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the accounts the source's databases use");
        }
        List<String> done = new ArrayList<>();
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            for (Accounts.Account account : used) {
                if (SYSTEM_USERS.contains(account.user()) || Accounts.exists(c, account)) {
                    continue;
                }
                if (account.host().isEmpty()) {
                    Sql.execute(c, "CREATE ROLE " + Dialect.MYSQL.literal(account.user()));
                    done.add("Created role %s".formatted(account.user()));
                } else {
                    Sql.execute(c, "CREATE USER " + account.sql() + " ACCOUNT LOCK");
                    done.add("Created account %s@%s (locked, no password yet)".formatted(account.user(), account.host()));
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "create the source's accounts");
        }
        return done;
    }

    /**
     * Grants on the destination the privileges the source grants on {@code databases} to accounts the destination
     * has; one line per account and object.
     */
    public List<String> privileges(DatabaseConnection source, DatabaseConnection destination, List<String> databases) {
        List<Privilege> privileges;
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            privileges = privileges(c, databases);
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the privileges on the source's databases");
        }
        // One GRANT per grantee, object and grant option, listing its privileges (a column's in parentheses).
        Map<List<Object>, List<String>> statements = new LinkedHashMap<>();
        for (Privilege p : privileges) {
            if (!SYSTEM_USERS.contains(p.grantee().user())) {
                statements.computeIfAbsent(List.of(p.grantee(), p.on(), p.grantable()), k -> new ArrayList<>())
                        .add(p.column() == null ? p.privilege() : p.privilege() + " (" + Dialect.MYSQL.quote(p.column()) + ")");
            }
        }
        List<String> done = new ArrayList<>();
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            for (var entry : statements.entrySet()) {
                var grantee = (Accounts.Account) entry.getKey().get(0);
                if (!Accounts.exists(c, grantee)) {
                    continue;
                }
                String list = String.join(", ", new TreeSet<>(entry.getValue()));
                Sql.execute(c, "GRANT " + list + " ON " + entry.getKey().get(1) + " TO " + grantee.sql()
                        + (Boolean.TRUE.equals(entry.getKey().get(2)) ? " WITH GRANT OPTION" : ""));
                done.add("Granted %s ON %s to %s".formatted(list, entry.getKey().get(1), grantee.sql()));
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "grant the source's privileges");
        }
        return done;
    }

    /**
     * The database, table and column privileges on {@code databases} that the connection's user may see (all of them
     * with read access to the {@code mysql} schema, its own otherwise), grantees written as {@code 'user'@'host'}.
     */
    public static List<Privilege> privileges(Connection c, List<String> databases) throws SQLException {
        List<Privilege> all = new ArrayList<>();
        for (String db : databases) {
            for (var row : Sql.query(c, "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE, NULL, NULL "
                    + "FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = ? UNION ALL "
                    + "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE, TABLE_NAME, NULL "
                    + "FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = ? UNION ALL "
                    + "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE, TABLE_NAME, COLUMN_NAME "
                    + "FROM information_schema.COLUMN_PRIVILEGES WHERE TABLE_SCHEMA = ?",
                    rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)},
                    db, db, db)) {
                grantee(row[0]).ifPresent(g -> all.add(new Privilege(g.user(), g.host(), row[1], db, row[3], row[4],
                        "YES".equals(row[2]))));
            }
        }
        return all;
    }

    /** {@code 'user'@'host'} as information_schema writes grantees. */
    private static java.util.Optional<Accounts.Account> grantee(String text) {
        Matcher m = GRANTEE.matcher(text);
        return m.matches() ? java.util.Optional.of(new Accounts.Account(m.group(1), m.group(2))) : java.util.Optional.empty();
    }
}
