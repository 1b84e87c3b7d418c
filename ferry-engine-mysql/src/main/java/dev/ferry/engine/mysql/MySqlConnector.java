package dev.ferry.engine.mysql;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens JDBC connections to MySQL and MariaDB through the MariaDB driver. The password travels as a
 * connection property, never in the URL; every session starts in UTC with Ferry's baseline SQL mode, so
 * values read and written as text mean the same on both sides. Thread-safe.
 */
public final class MySqlConnector {
    /**
     * The SQL mode of every Ferry session. DDL is printed by SHOW CREATE and parsed back in this same mode, and
     * rows are loaded in it: values that already satisfied the source's column types need no strictness, and
     * zero must stay zero in AUTO_INCREMENT columns (as mysqldump does).
     */
    public static final String BASELINE_SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";

    private static final Logger log = LoggerFactory.getLogger(MySqlConnector.class);
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** How long a read may wait for the server's next byte (the default stall timeout of a job). */
    public static final java.time.Duration STALL_TIMEOUT = dev.ferry.core.model.ReliabilityConfig.DEFAULT_STALL_TIMEOUT;
    private static final java.sql.Driver DRIVER = new org.mariadb.jdbc.Driver();

    /** What a connection is for: destination sessions may send LOAD DATA LOCAL streams. */
    public enum Role { SOURCE, DESTINATION }

    /** Servers that refused TLS when the profile said "prefer", by host:port. */
    private final Set<String> withoutTls = ConcurrentHashMap.newKeySet();

    /**
     * Opens a connection to {@code server} and selects {@code database} when not null.
     *
     * @throws FerryException UNAVAILABLE, UNAUTHENTICATED, NOT_FOUND or PERMISSION_DENIED as the server answers
     */
    public Connection open(DatabaseConnection server, String database, Role role) {
        String doing = database == null ? "connect" : "open database " + Dialect.MYSQL.quote(database);
        String mode = sslMode(server.sslMode());
        String key = server.host() + ":" + server.port();
        boolean prefer = "prefer".equals(mode);
        try {
            Connection c;
            if (prefer && !withoutTls.contains(key)) {
                try {
                    c = connect(server, "trust", role);
                } catch (SQLException e) {
                    if (!isTlsRefused(e)) {
                        throw e;
                    }
                    withoutTls.add(key);
                    log.atDebug().addKeyValue("server", key).log("server does not offer TLS; sslMode=prefer continues without it");
                    c = connect(server, "disable", role);
                }
            } else {
                c = connect(server, prefer ? "disable" : mode, role);
            }
            try {
                Sql.execute(c, "SET SESSION time_zone = '+00:00', SESSION sql_mode = '" + BASELINE_SQL_MODE + "'");
                if (database != null) {
                    Sql.execute(c, "USE " + Dialect.MYSQL.quote(database));
                }
                return c;
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, server, doing);
        }
    }

    private static Connection connect(DatabaseConnection server, String sslMode, Role role) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.username());
        if (server.password() != null) {
            p.setProperty("password", server.password().reveal());
        }
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
        p.setProperty("sslMode", sslMode);
        // MySQL 8's caching_sha2_password needs the server's RSA key when the channel is not verified TLS.
        if (!sslMode.startsWith("verify")) {
            p.setProperty("allowPublicKeyRetrieval", "true");
        }
        p.setProperty("allowLocalInfile", Boolean.toString(role == Role.DESTINATION));
        // Text protocol: values arrive as the server prints them, which LOAD DATA reads back unchanged.
        p.setProperty("useServerPrepStmts", "false");
        // A stalled connection (no byte from the server while Ferry waits for one) fails within the stall timeout
        // instead of hanging for ever, and keep-alives find a vanished peer; the job's retrier then reconnects.
        // Statements silent for long by nature (counts and hashes of large tables) lift it: allowLongSilence.
        p.setProperty("socketTimeout", Long.toString(STALL_TIMEOUT.toMillis()));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("tcpKeepIdle", "30");
        p.setProperty("tcpKeepInterval", "10");
        p.setProperty("tcpKeepCount", "3");
        String host = server.host().indexOf(':') >= 0 ? "[" + server.host() + "]" : server.host();
        Connection c = DRIVER.connect("jdbc:mariadb://" + host + ":" + server.port() + "/", p);
        if (c == null) {
            throw new SQLException("the MariaDB driver did not accept the URL for " + server.display());
        }
        return c;
    }

    /**
     * Lifts the stall timeout of {@code c} for statements that send nothing back until done (a count or content
     * hash of a large table); the TCP keep-alive still detects a vanished server.
     */
    public static void allowLongSilence(Connection c) throws SQLException {
        c.setNetworkTimeout(Runnable::run, 0);
    }

    /** Maps the libpq-style mode to the driver's; the driver cannot fall back by itself, {@link #open} does. */
    static String sslMode(String mode) {
        String m = mode == null ? "prefer" : mode.toLowerCase(Locale.ROOT);
        return switch (m) {
            case "disable", "allow" -> "disable";
            case "prefer" -> "prefer";
            case "require" -> "trust";
            case "verify-ca" -> "verify-ca";
            case "verify-full" -> "verify-full";
            default -> throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "Unknown sslMode '%s'; use disable, prefer, require, verify-ca or verify-full".formatted(mode));
        };
    }

    private static boolean isTlsRefused(SQLException e) {
        String m = e.getMessage();
        return e.getErrorCode() <= 0 && m != null && m.toLowerCase(Locale.ROOT).contains("ssl not enabled");
    }
}
