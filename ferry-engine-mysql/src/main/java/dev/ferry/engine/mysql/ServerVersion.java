package dev.ferry.engine.mysql;

import dev.ferry.core.model.EngineKind;
import dev.ferry.core.spi.engine.ServerInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's flavor and version: {@code version} is the numeric part ("10.11.19"), {@code major} the major
 * version as Ferry compares it within a flavor (MariaDB 10.11 -> 1011, MySQL 8.0 -> 800).
 */
public record ServerVersion(Flavor flavor, String version, int major, String text) {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public ServerVersion {
        if (flavor == null || version == null || version.isEmpty() || text == null) {
            throw new IllegalArgumentException("flavor, version and text are required");
        }
    }

    /** Parses the results of {@code SELECT VERSION(), @@version_comment}. */
    public static ServerVersion parse(String versionFunction, String versionComment) {
        if (versionFunction == null) {
            throw new IllegalArgumentException("VERSION() returned nothing");
        }
        String v = versionFunction.strip();
        // MariaDB once prefixed its handshake version with "5.5.5-"; strip it wherever it shows up.
        if (v.startsWith("5.5.5-")) {
            v = v.substring(6);
        }
        Matcher m = NUMBERS.matcher(v);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not a MySQL or MariaDB version: " + versionFunction);
        }
        int first = Integer.parseInt(m.group(1));
        int second = Integer.parseInt(m.group(2));
        String numeric = m.group(3) == null ? m.group(1) + "." + m.group(2) : m.group(0);
        String comment = versionComment == null ? "" : versionComment.strip();
        String text = comment.isEmpty() ? versionFunction.strip() : versionFunction.strip() + " (" + comment + ")";
        return new ServerVersion(Flavor.detect(versionFunction, versionComment), numeric, first * 100 + second, text);
    }

    /** Asks the server on {@code c}. */
    public static ServerVersion of(java.sql.Connection c) throws java.sql.SQLException {
        return Sql.queryOne(c, "SELECT VERSION(), @@version_comment", rs -> parse(rs.getString(1), rs.getString(2)))
                .orElseThrow(() -> new java.sql.SQLException("SELECT VERSION() returned no row"));
    }

    public ServerInfo toServerInfo() {
        return new ServerInfo(EngineKind.MYSQL, flavor.id(), version, major, text);
    }
}
