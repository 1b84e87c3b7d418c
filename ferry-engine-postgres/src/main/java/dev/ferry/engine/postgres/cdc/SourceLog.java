package dev.ferry.engine.postgres.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Reads the source's log position and the job's slot over an ordinary SQL connection. Stateless. */
final class SourceLog {
    private SourceLog() {}

    /** The job's slot as the source sees it; {@code confirmedFlush} is 0 when unknown. */
    record Slot(String database, String plugin, long confirmedFlush, Integer activePid) {}

    /** Size of a WAL page header, and of the long one that starts each segment (64-bit builds). */
    private static final int SHORT_PAGE_HEADER = 24;
    private static final int LONG_PAGE_HEADER = 40;

    /**
     * The end of the last WAL record inserted: every transaction committed so far ends at or before it.
     * Not {@code pg_current_wal_lsn()}, which lags behind asynchronous commits still in WAL buffers.
     */
    static long currentWalLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (pg_catalog.pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint, "
                        + "(SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'wal_block_size'), "
                        + "(SELECT setting::bigint * CASE unit WHEN '8kB' THEN 8192 WHEN 'MB' THEN 1048576 ELSE 1 END "
                        + "FROM pg_catalog.pg_settings WHERE name = 'wal_segment_size')")) {
            rs.next();
            return lastRecordEnd(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /**
     * The insert position reads as just past a page header when the last record ended exactly at the
     * page boundary; the record (and the walsender's position after decoding it) ends at the boundary.
     */
    static long lastRecordEnd(long insertLsn, long blockSize, long segmentSize) {
        long inPage = insertLsn % blockSize;
        if (inPage == SHORT_PAGE_HEADER && insertLsn % segmentSize != SHORT_PAGE_HEADER
                || insertLsn % segmentSize == LONG_PAGE_HEADER) {
            return insertLsn - inPage;
        }
        return insertLsn;
    }

    static Optional<Slot> slot(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT database, plugin, "
                + "coalesce((confirmed_flush_lsn - '0/0'::pg_lsn)::bigint, 0), active_pid "
                + "FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int pid = rs.getInt(4);
                Integer activePid = rs.wasNull() ? null : pid;
                return Optional.of(new Slot(rs.getString(1), rs.getString(2), rs.getLong(3), activePid));
            }
        }
    }

    static boolean publicationExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Ends the WAL sender that holds slot {@code name} (never this session), returning its process id, or
     * empty when the slot is not held. Only for the job's own slot on a reconnect.
     */
    static java.util.OptionalInt endSlotHolder(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT active_pid, pg_catalog.pg_terminate_backend(active_pid) "
                + "FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND active AND active_pid IS NOT NULL "
                + "AND active_pid <> pg_catalog.pg_backend_pid()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.OptionalInt.of(rs.getInt(1)) : java.util.OptionalInt.empty();
            }
        }
    }

    /** Whether slot {@code name} is held by a WAL sender. */
    static boolean slotActive(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
