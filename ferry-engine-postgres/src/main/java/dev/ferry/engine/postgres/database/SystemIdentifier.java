package dev.ferry.engine.postgres.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The cluster's system identifier from {@code pg_control_system()}: the same for every database of one
 * server (and for its physical copies), different for servers initialised apart. Empty when the user may
 * not call the function (servers that keep it to superusers and pg_monitor).
 */
public final class SystemIdentifier {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private SystemIdentifier() {}

    /** {@code c} in autocommit mode. */
    public static Optional<String> read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_catalog.pg_control_system()")) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
