package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach a database server. {@code host} is a host name or an IP address (IPv6 with or without
 * brackets, kept without), nothing else: no port, path or parameters, which would otherwise reach a
 * connection URL. {@code password} may be null (trust or peer authentication); {@code database} may be
 * null (connect to the engine's default database). {@code sslMode} null means {@link TlsMode#DEFAULT};
 * {@code tls} null means {@link TlsOptions#NONE}. {@code stallTimeout} is how long a session may wait for a byte
 * from the server before it counts as cut (null: {@link ReliabilityConfig#DEFAULT_STALL_TIMEOUT}); it is the job's
 * setting, never stored with a profile. {@link #toString()} and {@link #display()} never reveal the password or
 * the client key.
 */
public record DatabaseConnection(
        EngineKind engine, String host, int port, String username, Secret password, String database, TlsMode sslMode,
        TlsOptions tls, java.time.Duration stallTimeout)
        implements ConnectionSpec {

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}\\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public DatabaseConnection {
        Objects.requireNonNull(engine, "engine");
        host = checkedHost(host);
        if (port < 1 || port > 65535) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "Port %d is not between 1 and 65535".formatted(port));
        }
        if (username == null || username.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A username is required");
        }
        if (database != null && database.isBlank()) {
            database = null;
        }
        sslMode = sslMode == null ? TlsMode.DEFAULT : sslMode;
        tls = tls == null ? TlsOptions.NONE : tls;
    }

    /** A connection with the default stall timeout. */
    public DatabaseConnection(EngineKind engine, String host, int port, String username, Secret password, String database,
            TlsMode sslMode, TlsOptions tls) {
        this(engine, host, port, username, password, database, sslMode, tls, null);
    }

    /** A connection with a TLS mode given as text (libpq or MySQL names; null: the default) and no certificates. */
    public DatabaseConnection(
            EngineKind engine, String host, int port, String username, Secret password, String database, String sslMode) {
        this(engine, host, port, username, password, database, TlsMode.parse(sslMode), null);
    }

    public DatabaseConnection withDatabase(String db) {
        return new DatabaseConnection(engine, host, port, username, password, db, sslMode, tls, stallTimeout);
    }

    public DatabaseConnection withPassword(Secret secret) {
        return new DatabaseConnection(engine, host, port, username, secret, database, sslMode, tls, stallTimeout);
    }

    /** The same server reached at another address (a proxy in front of it), with the same credentials and TLS. */
    public DatabaseConnection withAddress(String newHost, int newPort) {
        return new DatabaseConnection(engine, newHost, newPort, username, password, database, sslMode, tls, stallTimeout);
    }

    public DatabaseConnection withTls(TlsMode mode, TlsOptions options) {
        return new DatabaseConnection(engine, host, port, username, password, database, mode, options, stallTimeout);
    }

    /** The same connection whose sessions count as cut after {@code timeout} without a byte from the server. */
    public DatabaseConnection withStallTimeout(java.time.Duration timeout) {
        return new DatabaseConnection(engine, host, port, username, password, database, sslMode, tls, timeout);
    }

    /** The stall timeout to use: the job's, else the default of 60 s. */
    public java.time.Duration effectiveStallTimeout() {
        return stallTimeout == null ? ReliabilityConfig.DEFAULT_STALL_TIMEOUT : stallTimeout;
    }

    /** A URL-like text that identifies the server without credentials, for messages and logs. */
    public String display() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "%s://%s@%s:%d%s".formatted(engine.id(), username, h, port, database == null ? "" : "/" + database);
    }

    @Override
    public String toString() {
        return display();
    }

    /**
     * {@code host} if it is a host name, an IPv4 address or an IPv6 literal (brackets removed); otherwise
     * INVALID_ARGUMENT.
     */
    public static String checkedHost(String host) {
        if (host == null || host.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "A host is required");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean valid = h.indexOf(':') >= 0 ? IPV6.matcher(h).matches() && isIpv6Literal(h) : HOST_NAME.matcher(h).matches();
        if (!valid || h.length() != host.length() && h.indexOf(':') < 0) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("Host '%s' is not a host name or an IP address; give only "
                    + "the name or address, and the port, database and TLS settings in their own fields").formatted(host));
        }
        return h;
    }

    private static boolean isIpv6Literal(String text) {
        try {
            // A literal with ':' is parsed, never looked up.
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address
                    || text.startsWith("::ffff:");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
