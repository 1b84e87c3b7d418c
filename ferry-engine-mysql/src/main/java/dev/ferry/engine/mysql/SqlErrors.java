package dev.ferry.engine.mysql;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.tls.TlsProblem;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Turns driver exceptions into {@link FerryException}s a user can act on. Messages name the server by host
 * and port and the user by name, never the password; the driver's exception stays the cause.
 */
public final class SqlErrors {
    public static final int ACCESS_DENIED = 1045;
    public static final int UNKNOWN_DATABASE = 1049;
    public static final int DB_ACCESS_DENIED = 1044;
    public static final int TABLE_ACCESS_DENIED = 1142;
    public static final int COLUMN_ACCESS_DENIED = 1143;
    public static final int SPECIFIC_ACCESS_DENIED = 1227;
    public static final int PROC_ACCESS_DENIED = 1370;
    public static final int DATABASE_EXISTS = 1007;
    public static final int NO_SUCH_USER = 1449;
    /** ER_UNSUPPORTED_PS: this statement cannot be prepared on this server. */
    public static final int UNSUPPORTED_PS = 1295;
    /** KILL of a session that has ended meanwhile. */
    public static final int NO_SUCH_THREAD = 1094;

    private static final Pattern CONN_PREFIX = Pattern.compile("^\\(conn=\\d+\\)\\s*");

    private SqlErrors() {}

    /** Maps {@code e}, raised while {@code doing} (for example "read the table list") on {@code server}. */
    public static FerryException map(SQLException e, DatabaseConnection server, String doing) {
        String where = "MySQL/MariaDB at %s:%d".formatted(server.host(), server.port());
        String detail = serverMessage(e);
        var tls = TlsProblem.of(e);
        if (tls.isPresent()) {
            return new FerryException(ErrorCode.FAILED_PRECONDITION, "TLS to %s (mode %s) failed: %s"
                    .formatted(where, server.sslMode(), tls.get().what()), tls.get().remedy(), e);
        }
        return switch (e.getErrorCode()) {
            case ACCESS_DENIED -> new FerryException(ErrorCode.UNAUTHENTICATED,
                    "%s refused the login of user '%s'; check the user name and password".formatted(where, server.username()), e);
            case UNKNOWN_DATABASE -> new FerryException(ErrorCode.NOT_FOUND,
                    "Cannot %s: %s on %s; check the database name".formatted(doing, detail, where), e);
            case DB_ACCESS_DENIED, TABLE_ACCESS_DENIED, COLUMN_ACCESS_DENIED, SPECIFIC_ACCESS_DENIED, PROC_ACCESS_DENIED ->
                    new FerryException(ErrorCode.PERMISSION_DENIED,
                            "User '%s' may not %s on %s (%s); grant the missing privilege and retry"
                                    .formatted(server.username(), doing, where, detail), e);
            default -> isUnreachable(e)
                    ? new FerryException(ErrorCode.UNAVAILABLE,
                            "Cannot reach %s to %s (%s); check the host, port, firewall and that the server runs"
                                    .formatted(where, doing, rootCauseText(e)), e)
                    : new FerryException(ErrorCode.FAILED_PRECONDITION,
                            "Cannot %s on %s: %s".formatted(doing, where, detail), e);
        };
    }

    /** The server's message without the driver's {@code (conn=N)} prefix. */
    public static String serverMessage(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return CONN_PREFIX.matcher(m).replaceFirst("").strip();
    }

    static boolean isUnreachable(SQLException e) {
        if (e.getErrorCode() > 0) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }

    private static String rootCauseText(SQLException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? serverMessage(e) : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
