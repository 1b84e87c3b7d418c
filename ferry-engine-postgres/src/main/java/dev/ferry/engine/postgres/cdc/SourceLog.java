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

    /** {@code pg_current_wal_lsn()}: everything committed so far is at or before it. */
    static long currentWalLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (pg_catalog.pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
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
                return Optional.of(new Slot(rs.getString(1), rs.getString(2), rs.getLong(3), rs.wasNull() ? null : pid));
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
}
