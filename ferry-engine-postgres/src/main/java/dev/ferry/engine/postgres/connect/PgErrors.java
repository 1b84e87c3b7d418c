package dev.ferry.engine.postgres.connect;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.tls.TlsProblem;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Turns driver failures into {@link FerryException}s that name the server (never the password) and say
 * what to do. The driver's exception stays attached as the cause. Pure and thread-safe.
 */
public final class PgErrors {
    private static final int MAX_DETAIL = 600;

    private PgErrors() {}

    /**
     * Translates {@code e}, raised while {@code doing} (a short gerund phrase such as "connect" or
     * "reading the catalog") against {@code server}.
     */
    public static FerryException translate(SQLException e, DatabaseConnection server, String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = server.host() + ":" + server.port();
        String detail = scrub(shortMessage(e), server.password());
        var tls = TlsProblem.of(e);
        if (tls.isPresent()) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, "TLS to PostgreSQL at %s (mode %s) failed: %s"
                    .formatted(where, server.sslMode(), tls.get().what()), tls.get().remedy(), e);
        }
        if (state.startsWith("08") || state.equals("57P03") || state.equals("53300") || state.isEmpty()
                && hasNetworkCause(e)) {
            String reason = scrub(networkReason(e, "connect".equals(doing), server.effectiveStallTimeout()), server.password());
            if ("connect".equals(doing)) {
                return new FerryException(ErrorCode.UNAVAILABLE, ("Cannot reach PostgreSQL at %s: %s; check host, port "
                        + "and that the server accepts TCP connections").formatted(where, reason), e);
            }
            return new FerryException(ErrorCode.UNAVAILABLE, ("Lost the connection to PostgreSQL at %s while %s: %s; "
                    + "check that the server is up and retry").formatted(where, doing, reason), e);
        }
        return switch (state) {
            case "28P01", "28000" -> new FerryException(ErrorCode.UNAUTHENTICATED, ("PostgreSQL at %s refused user %s: "
                    + "wrong password or no pg_hba.conf entry for this client, user and database; check the "
                    + "credentials and the server's pg_hba.conf (server said: %s)").formatted(where, server.username(), detail), e);
            case "3D000" -> new FerryException(ErrorCode.NOT_FOUND, "Database %s does not exist on PostgreSQL at %s; check the name"
                    .formatted(server.database(), where), e);
            case "42501" -> new FerryException(ErrorCode.PERMISSION_DENIED, ("User %s lacks a privilege on PostgreSQL at %s "
                    + "while %s: %s; grant it or use a more privileged user").formatted(server.username(), where, doing, detail), e);
            // The remedy before the server's words: health and events shorten long messages.
            case "53100" -> new FerryException(ErrorCode.FAILED_PRECONDITION, ("The disk is full on PostgreSQL at %s "
                    + "while %s; free space there or grow the disk: a running job waits, paused, and carries on by "
                    + "itself once the data fits (server said: %s)").formatted(where, doing, detail), e);
            case "57014" -> new FerryException(ErrorCode.CANCELLED, "PostgreSQL at %s cancelled the statement while %s: %s"
                    .formatted(where, doing, detail), e);
            default -> new FerryException(ErrorCode.FAILED_PRECONDITION, "PostgreSQL at %s failed while %s: %s%s"
                    .formatted(where, doing, detail, state.isEmpty() ? "" : " (SQLSTATE " + state + ")"), e);
        };
    }

    /** Runs JDBC work against {@code server}, translating its failure. */
    public static <T> T call(DatabaseConnection server, String doing, SqlCall<T> work) {
        try {
            return work.call();
        } catch (SQLException e) {
            throw translate(e, server, doing);
        }
    }

    /** JDBC work that may throw. */
    @FunctionalInterface
    public interface SqlCall<T> {
        T call() throws SQLException;
    }

    /** Replaces every occurrence of the secret with {@code ***}. */
    public static String scrub(String text, Secret secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret.reveal(), "***");
    }

    private static boolean hasNetworkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    static String networkReason(Throwable e, boolean connecting, java.time.Duration stallTimeout) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof SocketTimeoutException) {
                // Connecting waits the connect timeout; a session waits the stall timeout for the server's next byte.
                return connecting ? "no answer within %d s".formatted(PgConnector.CONNECT_TIMEOUT_SECONDS)
                        : "no byte from the server for %d s (stalled connection)"
                                .formatted(stallTimeout.toSeconds());
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
        }
        return shortMessage(e);
    }

    private static String shortMessage(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        return message.length() > MAX_DETAIL ? message.substring(0, MAX_DETAIL) + "..." : message;
    }
}
