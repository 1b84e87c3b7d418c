package dev.ferry.engine.postgres.database;

import dev.ferry.core.Dialect;
import dev.ferry.core.spi.engine.DatabaseOwner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The marker that says which Ferry installation and job created a destination database: a row in
 * {@code ferry.ownership} inside that database. The database's identity is the server's system identifier,
 * the database's OID and the marker's token, so a database dropped and created again, or a profile pointed
 * at another server, is never taken for the one Ferry made. Stateless; callers own the connections, which
 * are connected to the database in question and in autocommit mode.
 */
public final class OwnershipMarker {
    static final String SCHEMA = "ferry";
    static final String TABLE = "ownership";
    private static final String QUALIFIED = Dialect.POSTGRESQL.quote(SCHEMA, TABLE);

    private OwnershipMarker() {}

    /** Writes (or replaces) the owner's row and returns the database's identity. */
    public static String mark(Connection c, DatabaseOwner owner) throws SQLException {
        try (Statement st = c.createStatement()) {
            // A demoted destination starts sessions read-only; Ferry's own session writes.
            st.execute("SET default_transaction_read_only = off");
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Dialect.POSTGRESQL.quote(SCHEMA));
            st.execute("CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (installation text NOT NULL, job text NOT NULL, "
                    + "token text NOT NULL, created timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (installation, job))");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + QUALIFIED + " (installation, job, token) "
                + "VALUES (?, ?, ?) ON CONFLICT (installation, job) DO UPDATE SET token = EXCLUDED.token, created = now()")) {
            ps.setString(1, owner.installation());
            ps.setString(2, owner.job());
            ps.setString(3, owner.token());
            ps.executeUpdate();
        }
        return identity(c, owner.token());
    }

    /** The identity when the owner's row with its token is there; empty otherwise. */
    public static Optional<String> read(Connection c, DatabaseOwner owner) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM " + QUALIFIED + " WHERE installation = ? AND job = ? AND token = ?")) {
            ps.setString(1, owner.installation());
            ps.setString(2, owner.job());
            ps.setString(3, owner.token());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(identity(c, owner.token()));
    }

    /** Removes the owner's row, then the table when empty, then the schema when nothing else is in it. */
    public static void remove(Connection c, DatabaseOwner owner) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET default_transaction_read_only = off");
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED + " WHERE installation = ? AND job = ?")) {
            ps.setString(1, owner.installation());
            ps.setString(2, owner.job());
            ps.executeUpdate();
        }
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + QUALIFIED)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return;
                }
            }
            st.execute("DROP TABLE " + QUALIFIED);
            try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = n.oid)"
                    + " + (SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = n.oid)"
                    + " + (SELECT count(*) FROM pg_catalog.pg_type WHERE typnamespace = n.oid)"
                    + " FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ferry'")) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            }
            st.execute("DROP SCHEMA IF EXISTS " + Dialect.POSTGRESQL.quote(SCHEMA));
        }
    }

    private static String identity(Connection c, String token) throws SQLException {
        String oid;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()")) {
            rs.next();
            oid = rs.getString(1);
        }
        return SystemIdentifier.read(c).orElse("?") + "/" + oid + "/" + token;
    }

    private static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            ps.setString(1, QUALIFIED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
