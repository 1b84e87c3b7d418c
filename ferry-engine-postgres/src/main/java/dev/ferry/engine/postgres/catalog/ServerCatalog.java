package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.engine.ServerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Server-wide facts: version, databases and their locale. Stateless; the caller owns the connection. */
public final class ServerCatalog {
    /** Databases never listed: the maintenance database and the templates. */
    public static final List<String> SYSTEM_DATABASES = List.of("postgres", "template0", "template1");

    private ServerCatalog() {}

    public static ServerInfo probe(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int, "
                        + "current_setting('server_version'), version()")) {
            rs.next();
            int num = rs.getInt(1);
            return new ServerInfo(EngineKind.POSTGRESQL, "postgresql", shortVersion(rs.getString(2)), num / 10000,
                    rs.getString(3));
        }
    }

    /** "15.20 (Debian 15.20-0+deb12u1)" -> "15.20". */
    static String shortVersion(String serverVersion) {
        String v = serverVersion.strip();
        int space = v.indexOf(' ');
        return space < 0 ? v : v.substring(0, space);
    }

    /** User databases that accept connections, sorted by name (Java order, not the server's collation). */
    public static List<String> databases(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!SYSTEM_DATABASES.contains(rs.getString(1))) {
                        names.add(rs.getString(1));
                    }
                }
            }
        }
        names.sort(null);
        return names;
    }

    public static boolean databaseExists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The encoding and locale of {@code database}, or empty when it does not exist. */
    public static Optional<DatabaseLocale> locale(Connection c, String database) throws SQLException {
        int major = c.getMetaData().getDatabaseMajorVersion();
        String provider = major >= 15 ? "datlocprovider::text" : "'c'";
        String icu = major >= 17 ? "datlocale" : major >= 15 ? "daticulocale" : "NULL::text";
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_encoding_to_char(encoding), datcollate, "
                + "datctype, " + provider + ", " + icu + " FROM pg_catalog.pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DatabaseLocale(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)));
            }
        }
    }
}
