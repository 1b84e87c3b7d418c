package dev.ferry.engine.postgres.connect;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.FailureKind;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL engine's one failure classifier (see {@link FailureKind}), used for the full load, change
 * replication and validation alike: SQLSTATEs first, then network errors, then the text of a client tool's
 * error output (pg_dump, pg_restore, psql have no SQLSTATE). Looks through the whole cause chain. A lost or
 * invalidated replication slot is never transient. Pure and thread-safe.
 */
public final class PgFailures {
    /** SQLSTATEs (exact) and SQLSTATE classes (two characters) that pass when retried. */
    static final Map<String, String> TRANSIENT = Map.ofEntries(
            Map.entry("08", "connection exception (refused, reset, closed, failed)"),
            Map.entry("57P01", "admin_shutdown: the server is shutting down or the session was terminated"),
            Map.entry("57P02", "crash_shutdown: another server process crashed"),
            Map.entry("57P03", "cannot_connect_now: the server is starting up or shutting down"),
            Map.entry("57P05", "idle_session_timeout"),
            Map.entry("57014", "query_canceled: statement timeout or a cancel"),
            Map.entry("53300", "too_many_connections"),
            Map.entry("53200", "out_of_memory"),
            Map.entry("25006", "read_only_sql_transaction: the server became a standby (failover)"),
            Map.entry("40001", "serialization_failure"),
            Map.entry("40P01", "deadlock_detected"),
            Map.entry("55P03", "lock_not_available: lock timeout"),
            Map.entry("58030", "io_error"));
    /** SQLSTATEs that need the user (and pass once fixed). */
    static final Map<String, String> USER_FIXABLE = Map.of("53100", "disk_full");
    /** What a client tool prints when its server went away or is restarting. */
    static final List<String> TRANSIENT_TEXT = List.of(
            "server closed the connection unexpectedly", "connection refused", "could not connect to server",
            "terminating connection due to administrator command", "the database system is shutting down",
            "the database system is starting up", "the database system is in recovery mode",
            "could not receive data from server", "could not send data to server", "no connection to the server",
            "connection to server was lost", "ssl syscall error", "server conn crashed", "deadlock detected",
            "due to lock timeout", "could not obtain lock", "sorry, too many clients already",
            "cannot execute", "in a read-only transaction", "connection reset by peer", "broken pipe");
    /** What a tool or a file error says when a disk is full. */
    static final List<String> DISK_FULL_TEXT = List.of("no space left on device", "could not extend file", "disk full");

    private PgFailures() {}

    public static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FerryException f && f.code() == ErrorCode.DIVERGED) {
                return FailureKind.DIVERGENCE;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null && !e.getSQLState().isEmpty()) {
                return bySqlState(e.getSQLState(), e.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return text(t.getMessage()).contains("no space left on device") ? FailureKind.USER_FIXABLE : FailureKind.TRANSIENT;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = text(t.getMessage());
            if (DISK_FULL_TEXT.stream().anyMatch(message::contains)) {
                return FailureKind.USER_FIXABLE;
            }
            if (t instanceof FerryException && !isSlotLoss(message) && TRANSIENT_TEXT.stream().anyMatch(message::contains)) {
                return FailureKind.TRANSIENT;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FerryException f && f.code() == ErrorCode.UNAVAILABLE) {
                return FailureKind.TRANSIENT;
            }
        }
        return FailureKind.FATAL;
    }

    static FailureKind bySqlState(String state, String message) {
        if (USER_FIXABLE.containsKey(state) || DISK_FULL_TEXT.stream().anyMatch(text(message)::contains)) {
            return FailureKind.USER_FIXABLE;
        }
        if (TRANSIENT.containsKey(state) || TRANSIENT.containsKey(state.substring(0, Math.min(2, state.length())))) {
            return FailureKind.TRANSIENT;
        }
        return FailureKind.FATAL;
    }

    private static boolean isSlotLoss(String message) {
        return message.contains("slot") && (message.contains("no longer exists") || message.contains("invalidated")
                || message.contains("lost"));
    }

    private static String text(String message) {
        return message == null ? "" : message.toLowerCase(Locale.ROOT);
    }
}
