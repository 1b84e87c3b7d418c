package dev.ferry.engine.mysql.check;

import dev.ferry.core.Dialect;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/** Accounts as MySQL writes them ({@code user@host}) and as statements take them ({@code 'user'@'host'}). */
final class Accounts {
    private Accounts() {}

    /** One account: a user (or a MariaDB role, whose host is empty) and its host pattern. */
    record Account(String user, String host) {
        /** Splits {@code user@host} at the last {@code @}; a name without one is a role. */
        static Account parse(String text) {
            int at = text.lastIndexOf('@');
            return at < 0 ? new Account(text, "") : new Account(text.substring(0, at), text.substring(at + 1));
        }

        /** {@code 'user'@'host'}, or {@code 'role'} for a role. */
        String sql() {
            return host.isEmpty() ? Dialect.MYSQL.literal(user) : Dialect.MYSQL.literal(user) + "@" + Dialect.MYSQL.literal(host);
        }
    }

    /** The account the connection's session authenticated as. */
    static Account current(Connection c) throws SQLException {
        return Account.parse(Sql.queryString(c, "SELECT CURRENT_USER()").orElseThrow());
    }

    /** Whether {@code account} exists on the server (needs SELECT on mysql.user). */
    static boolean exists(Connection c, Account account) throws SQLException {
        return Sql.queryLong(c, "SELECT COUNT(*) FROM mysql.user WHERE User = ? AND LOWER(Host) = LOWER(?)",
                account.user(), account.host()) > 0;
    }

    /** The session's own grants, as SHOW GRANTS prints them. */
    static Grants grants(Connection c) throws SQLException {
        return Grants.parse(Sql.query(c, "SHOW GRANTS", rs -> rs.getString(1)));
    }
}
