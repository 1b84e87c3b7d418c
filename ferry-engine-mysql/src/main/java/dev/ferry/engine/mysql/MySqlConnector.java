package dev.ferry.engine.mysql;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.model.TlsOptions;
import dev.ferry.core.process.PrivateDirectory;
import dev.ferry.core.tls.ClientTls;
import dev.ferry.core.tls.TlsProblem;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
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
    private static final java.sql.Driver DRIVER = new org.mariadb.jdbc.Driver();

    /**
     * What a connection is for: destination sessions may send LOAD DATA LOCAL streams; loading sessions also
     * prepare their statements on the server, so that a batch of rows goes as one bulk command (MariaDB's
     * COM_STMT_BULK_EXECUTE: the values in binary, the statement parsed once).
     */
    public enum Role { SOURCE, DESTINATION, LOADER }

    /**
     * Opens a connection to {@code server} and selects {@code database} when not null. TLS follows the profile's
     * mode for this connection alone: {@code prefer} tries TLS and goes on without it only when the server offers
     * none; no mode ever downgrades a later connection.
     *
     * @throws FerryException UNAVAILABLE, UNAUTHENTICATED, NOT_FOUND or PERMISSION_DENIED as the server answers;
     *     FAILED_PRECONDITION when TLS fails (the message says why: untrusted certificate, wrong host name, no TLS)
     */
    public Connection open(DatabaseConnection server, String database, Role role) {
        String doing = database == null ? "connect" : "open database " + Dialect.MYSQL.quote(database);
        TlsMode mode = server.sslMode();
        try {
            Connection c;
            if (mode == TlsMode.PREFER) {
                try {
                    c = connect(server, TlsMode.REQUIRE, role);
                } catch (SQLException e) {
                    if (TlsProblem.of(e).orElse(null) != TlsProblem.SERVER_WITHOUT_TLS) {
                        throw e;
                    }
                    log.atDebug().addKeyValue("server", server.host() + ":" + server.port())
                            .log("server does not offer TLS; sslMode=prefer continues without it for this connection");
                    c = connect(server, TlsMode.DISABLE, role);
                }
            } else {
                c = connect(server, mode, role);
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

    private static Connection connect(DatabaseConnection server, TlsMode mode, Role role) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.username());
        if (server.password() != null) {
            p.setProperty("password", server.password().reveal());
        }
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
        p.setProperty("sslMode", driverMode(mode));
        TlsOptions tls = server.tls();
        if (mode.verifiesCertificate() && tls.caCertificate() != null) {
            // The driver trusts exactly these certificates, given as text: nothing is written to disk.
            p.setProperty("serverSslCert", tls.caCertificate());
        }
        // MySQL 8's caching_sha2_password fetches the server's RSA key when the channel is not verified TLS, which a
        // man in the middle could answer with its own: only when the profile allows it explicitly.
        if (mode.verifiesCertificate() || tls.allowPublicKeyRetrieval()) {
            p.setProperty("allowPublicKeyRetrieval", "true");
        }
        p.setProperty("allowLocalInfile", Boolean.toString(role != Role.SOURCE));
        // Text protocol: values arrive as the server prints them, which LOAD DATA reads back unchanged.
        p.setProperty("useServerPrepStmts", Boolean.toString(role == Role.LOADER));
        p.setProperty("useBulkStmts", Boolean.toString(role == Role.LOADER));
        // A stalled connection (no byte from the server while Ferry waits for one) fails within the stall timeout
        // instead of hanging for ever, and keep-alives find a vanished peer; the job's retrier then reconnects.
        // Statements silent for long by nature (counts and hashes of large tables) lift it: allowLongSilence.
        p.setProperty("socketTimeout", Long.toString(server.effectiveStallTimeout().toMillis()));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("tcpKeepIdle", "30");
        p.setProperty("tcpKeepInterval", "10");
        p.setProperty("tcpKeepCount", "3");
        String host = server.host().indexOf(':') >= 0 ? "[" + server.host() + "]" : server.host();
        String url = "jdbc:mariadb://" + host + ":" + server.port() + "/";
        if (mode == TlsMode.DISABLE || !tls.hasClientCertificate()) {
            return connect(url, p, server);
        }
        // The driver reads a client key only from a key store file: one owner-only file for the handshake.
        try (PrivateDirectory files = PrivateDirectory.create()) {
            char[] password = randomPassword();
            var out = new java.io.ByteArrayOutputStream();
            ClientTls.clientKeyStore(tls, password).store(out, password);
            p.setProperty("keyStore", files.write("client.p12", out.toByteArray()).toString());
            p.setProperty("keyStorePassword", new String(password));
            p.setProperty("keyStoreType", "PKCS12");
            return connect(url, p, server);
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The client certificate of the profile for %s cannot be used: %s".formatted(server.display(), e.getMessage()), e);
        }
    }

    private static Connection connect(String url, Properties p, DatabaseConnection server) throws SQLException {
        Connection c = DRIVER.connect(url, p);
        if (c == null) {
            throw new SQLException("the MariaDB driver did not accept the URL for " + server.display());
        }
        return c;
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[18];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    /**
     * Lifts the stall timeout of {@code c} for statements that send nothing back until done (a count or content
     * hash of a large table); the TCP keep-alive still detects a vanished server.
     */
    public static void allowLongSilence(Connection c) throws SQLException {
        c.setNetworkTimeout(Runnable::run, 0);
    }

    /** The MariaDB driver's name for {@code mode}; prefer is done by {@link #open}, one connection at a time. */
    static String driverMode(TlsMode mode) {
        return switch (mode) {
            case DISABLE -> "disable";
            case PREFER, REQUIRE -> "trust";
            case VERIFY_CA -> "verify-ca";
            case VERIFY_FULL -> "verify-full";
        };
    }
}
