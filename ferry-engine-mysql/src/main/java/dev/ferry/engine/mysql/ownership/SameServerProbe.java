package dev.ferry.engine.mysql.ownership;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Tells whether two connections reach one MySQL/MariaDB server, whatever host names or ports they use: a
 * session on the source takes a user lock with a random name ({@code GET_LOCK}), and a session on the
 * destination asks whether that lock is held ({@code IS_USED_LOCK}); user locks are server-wide. The lock
 * ends with the source session; nothing is written. Stateless.
 */
public final class SameServerProbe {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SameServerProbe() {}

    public static boolean sameServer(MySqlConnector connector, DatabaseConnection source, DatabaseConnection destination) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        String name = "ferry-same-server-" + HexFormat.of().formatHex(bytes);
        try (Connection s = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            if (Sql.queryLong(s, "SELECT GET_LOCK(?, 0)", name) != 1) {
                return false;
            }
            try (Connection d = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
                return Sql.queryOne(d, "SELECT IS_USED_LOCK(?)", rs -> rs.getObject(1) != null, name).orElse(false);
            } catch (SQLException e) {
                throw SqlErrors.map(e, destination, "look for the source's marker lock");
            } finally {
                Sql.queryLong(s, "SELECT COALESCE(RELEASE_LOCK(?), 0)", name);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "take a marker lock");
        }
    }
}
