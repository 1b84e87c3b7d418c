package dev.ferry.engine.postgres.connect;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TlsMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens pgjdbc connections. The password travels only as a connection property, never in the URL,
 * so the URL can be logged; TLS follows the profile's mode with its certificates held in memory
 * ({@link PgTlsFactory}). Stateless and thread-safe; callers close what they open.
 */
public final class PgConnector {
    /** The maintenance database used when a connection names none. */
    public static final String MAINTENANCE_DATABASE = "postgres";

    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** How long a read may wait for the server's next byte (the default stall timeout of a job). */
    public static final java.time.Duration STALL_TIMEOUT = dev.ferry.core.model.ReliabilityConfig.DEFAULT_STALL_TIMEOUT;

    static {
        // Every connection authenticates anew; with scram-sha-256 that is a key derivation worth remembering.
        ScramKeys.install();
    }

    private PgConnector() {}

    /** Connects to {@code database} (or to the connection's own database, or "postgres", when null). */
    public static Connection open(DatabaseConnection server, String database) {
        String db = database != null ? database : server.database() != null ? server.database() : MAINTENANCE_DATABASE;
        try {
            return DriverManager.getConnection(url(server.host(), server.port(), db), properties(server));
        } catch (SQLException e) {
            throw PgErrors.translate(e, server.withDatabase(db), "connect");
        }
    }

    /** Connects to the database named in the connection, or "postgres". */
    public static Connection open(DatabaseConnection server) {
        return open(server, null);
    }

    /**
     * Opens a logical replication connection ({@code replication=database}) to the database named in
     * the connection: it runs replication commands such as {@code CREATE_REPLICATION_SLOT} in the simple
     * query protocol.
     */
    public static Connection openReplication(DatabaseConnection server) {
        if (server.database() == null) {
            throw new IllegalArgumentException("a replication connection needs a database");
        }
        Properties props = properties(server);
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        try {
            return DriverManager.getConnection(url(server.host(), server.port(), server.database()), props);
        } catch (SQLException e) {
            throw PgErrors.translate(e, server, "connect");
        }
    }

    /**
     * Lifts the stall timeout of {@code c} for statements that send nothing back until they are done (a large
     * index build, a count or content hash of a large table); the TCP keep-alive still detects a dead server.
     */
    public static void allowLongSilence(Connection c) throws SQLException {
        c.setNetworkTimeout(Runnable::run, 0);
    }

    /** The JDBC URL, free of credentials. */
    public static String url(String host, int port, String database) {
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        // pgjdbc URL-decodes the database part, so any name survives the round trip.
        return "jdbc:postgresql://" + h + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** The driver properties: credentials, TLS mode, timeouts and the application name. */
    public static Properties properties(DatabaseConnection server) {
        Properties props = new Properties();
        props.setProperty("user", server.username());
        if (server.password() != null) {
            props.setProperty("password", server.password().reveal());
        }
        // The mode as libpq means it, per connection: prefer falls back to plain text for that one connection
        // only, when the server offers no TLS; require never does.
        props.setProperty("sslmode", server.sslMode().id());
        if (server.sslMode() != TlsMode.DISABLE) {
            PgTlsFactory.configure(props, server.sslMode(), server.tls());
        }
        props.setProperty("ApplicationName", "ferry");
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        // A stalled connection (no byte from the server while Ferry waits for one) fails within the stall
        // timeout instead of hanging for ever; the job's retrier then reconnects. Statements that are silent
        // for long by nature (index builds, counts and hashes of large tables) lift it: allowLongSilence.
        props.setProperty("socketTimeout", Long.toString(Math.max(1, (server.effectiveStallTimeout().toMillis() + 999) / 1000)));
        props.setProperty("tcpKeepAlive", "true");
        return props;
    }
}
