package dev.ferry.engine.postgres.cdc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Marks a job's apply sessions on the destination with the owner's lease epoch, so that a new owner can find the
 * sessions of an owner that lost the job. The mark is a session-level shared advisory lock with two keys, the job's
 * key and the epoch; {@code pg_locks} shows it with the session's pid, and it ends with the session.
 *
 * <p>Why the new owner needs them: an owner frozen (SIGSTOP, a cut-off host) in the middle of an apply transaction
 * keeps that transaction's row locks. Once the new owner has claimed the job's progress rows, such a transaction can
 * never commit (its epoch check refuses it), yet the new owner's own applies of the same rows would wait on its locks
 * for as long as the old host stays frozen. {@link #endStale} ends exactly those sessions.
 */
final class OwnerMark {
    private OwnerMark() {}

    /** Takes the mark for {@code job} under {@code epoch} on the session {@code c}. */
    static void take(Connection c, String job, long epoch) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_catalog.pg_advisory_lock_shared(?, ?)")) {
            st.setInt(1, jobKey(job));
            st.setInt(2, epochKey(epoch));
            st.execute();
        }
    }

    /**
     * Ends the sessions on this database that carry the mark of {@code job} under an older epoch than {@code epoch}
     * and are inside a transaction; returns their pids. Call only after the job's progress rows are claimed for
     * {@code epoch}: from then on those transactions can only roll back.
     */
    static List<Integer> endStale(Connection c, String job, long epoch) throws SQLException {
        String sql = """
                SELECT a.pid, pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_locks l
                  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
                   AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
                   AND l.classid = ?::bigint::oid AND l.objid::text::bigint < ?
                   AND a.xact_start IS NOT NULL AND a.pid <> pg_catalog.pg_backend_pid()""";
        List<Integer> ended = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, jobKey(job) & 0xffffffffL);
            st.setLong(2, epochKey(epoch));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ended.add(rs.getInt(1));
                }
            }
        }
        return ended;
    }

    /** The job's key: the first four bytes of the SHA-256 of its name, as a non-negative int. */
    static int jobKey(String job) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(job.getBytes(StandardCharsets.UTF_8));
            return ((d[0] & 0x7f) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int epochKey(long epoch) {
        return (int) Math.min(epoch, Integer.MAX_VALUE);
    }
}
