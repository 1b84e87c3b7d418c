package dev.ferry.engine.mysql;

import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fault.FailureKind;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MySQL/MariaDB engine's one failure classifier (see {@link FailureKind}), used for the full load, change
 * replication and validation alike: server and client error numbers first (JDBC and the binlog client), then
 * SQLSTATE class 08, then network errors. Looks through the whole cause chain. Pure and thread-safe.
 */
public final class MySqlFailures {
    /** Error numbers that pass when retried. */
    static final Map<Integer, String> TRANSIENT = Map.ofEntries(
            Map.entry(1040, "ER_CON_COUNT_ERROR: too many connections"),
            Map.entry(1053, "ER_SERVER_SHUTDOWN: server shutdown in progress"),
            Map.entry(1077, "ER_NORMAL_SHUTDOWN"),
            Map.entry(1078, "ER_GOT_SIGNAL"),
            Map.entry(1079, "ER_SHUTDOWN_COMPLETE"),
            Map.entry(1080, "ER_FORCING_CLOSE"),
            Map.entry(1152, "ER_ABORTING_CONNECTION"),
            Map.entry(1153, "ER_NET_PACKET_TOO_LARGE"),
            Map.entry(1158, "ER_NET_READ_ERROR"),
            Map.entry(1159, "ER_NET_READ_INTERRUPTED"),
            Map.entry(1160, "ER_NET_ERROR_ON_WRITE"),
            Map.entry(1161, "ER_NET_WRITE_INTERRUPTED"),
            Map.entry(1205, "ER_LOCK_WAIT_TIMEOUT"),
            Map.entry(1213, "ER_LOCK_DEADLOCK"),
            Map.entry(1290, "ER_OPTION_PREVENTS_STATEMENT: the server runs with --read-only (failover)"),
            Map.entry(1836, "ER_READ_ONLY_MODE"),
            Map.entry(1792, "ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION"),
            Map.entry(1927, "ER_CONNECTION_KILLED (MariaDB)"),
            Map.entry(1969, "ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)"),
            Map.entry(3024, "ER_QUERY_TIMEOUT (MySQL max_execution_time)"),
            Map.entry(4031, "ER_CLIENT_INTERACTION_TIMEOUT (MySQL)"),
            Map.entry(2002, "CR_CONNECTION_ERROR: cannot connect through the socket"),
            Map.entry(2003, "CR_CONN_HOST_ERROR: cannot connect to the server"),
            Map.entry(2006, "CR_SERVER_GONE_ERROR: server has gone away"),
            Map.entry(2013, "CR_SERVER_LOST: lost connection during query"),
            Map.entry(2055, "CR_SERVER_LOST_EXTENDED"));
    /** Error numbers that need the user (and pass once fixed). */
    static final Map<Integer, String> USER_FIXABLE = Map.of(
            1021, "ER_DISK_FULL",
            1114, "ER_RECORD_FILE_FULL: the table is full",
            3, "ER_ERROR_ON_WRITE (errno 28: no space left on device)");
    /** Also raised for options other than read-only (--secure-file-priv...), which are not transient. */
    private static final int READ_ONLY_OPTION = 1290;
    static final List<String> DISK_FULL_TEXT = List.of("errcode: 28", "errno: 28", "no space left on device", "disk full");

    private MySqlFailures() {}

    public static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FerryException f && f.code() == ErrorCode.DIVERGED) {
                return FailureKind.DIVERGENCE;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            int code = t instanceof SQLException e ? e.getErrorCode() : t instanceof ServerException s ? s.getErrorCode() : 0;
            // A connection exception, whatever its number: the driver gives "Connection is closed" one of its own.
            if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                return FailureKind.TRANSIENT;
            }
            if (code > 0) {
                return byErrorNumber(code, t.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return diskFull(t.getMessage()) ? FailureKind.USER_FIXABLE : FailureKind.TRANSIENT;
            }
            if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().equals("HY000")
                    && text(e.getMessage()).contains("connection")) {
                return FailureKind.TRANSIENT;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (diskFull(t.getMessage())) {
                return FailureKind.USER_FIXABLE;
            }
            if (t instanceof FerryException f && f.code() == ErrorCode.UNAVAILABLE) {
                return FailureKind.TRANSIENT;
            }
        }
        return FailureKind.FATAL;
    }

    static FailureKind byErrorNumber(int code, String message) {
        if (USER_FIXABLE.containsKey(code) || diskFull(message)) {
            return FailureKind.USER_FIXABLE;
        }
        if (code == READ_ONLY_OPTION) {
            String m = text(message);
            return m.contains("read-only") || m.contains("read_only") ? FailureKind.TRANSIENT : FailureKind.FATAL;
        }
        return TRANSIENT.containsKey(code) ? FailureKind.TRANSIENT : FailureKind.FATAL;
    }

    private static boolean diskFull(String message) {
        String m = text(message);
        return DISK_FULL_TEXT.stream().anyMatch(m::contains);
    }

    private static String text(String message) {
        return message == null ? "" : message.toLowerCase(Locale.ROOT);
    }
}
