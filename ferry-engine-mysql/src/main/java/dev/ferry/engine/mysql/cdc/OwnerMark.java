package dev.ferry.engine.mysql.cdc;

import dev.ferry.engine.mysql.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Marks a job's apply sessions on the destination with the owner's lease epoch, so that a new owner can find the
 * sessions of an owner that lost the job: each session holds a named lock ({@code GET_LOCK}) whose name carries the
 * job, the database, the epoch and the partition, and {@code IS_USED_LOCK} names the session holding it. The lock ends
 * with the session.
 *
 * <p>Why the new owner needs them: an owner frozen (SIGSTOP, a cut-off host) in the middle of an apply transaction
 * keeps that transaction's row locks. Once the new owner has claimed the job's progress rows, such a transaction can
 * never commit (its epoch check refuses it), yet the new owner's applies of the same rows would wait on its locks for
 * as long as the old host stays frozen. {@link #endStale} ends exactly those sessions.
 */
final class OwnerMark {
    /** Partitions looked at for each previous epoch: more than a job ever runs. */
    static final int MAX_PARTITIONS = 64;

    private OwnerMark() {}

    /** Takes the mark of {@code partition} under {@code epoch} on the session {@code c}. */
    static void take(Connection c, String job, String database, long epoch, int partition) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            st.setString(1, name(job, database, epoch, partition));
            st.execute();
        }
    }

    /**
     * Ends the sessions holding the mark of {@code job} in {@code database} under one of {@code previous} (the epochs
     * the job's progress rows carried before this owner claimed them) that are inside a transaction; returns their
     * connection ids. Call only after the claim: from then on those transactions can only roll back. An idle one is
     * left alone: its next commit is refused, which tells its node it lost the job.
     */
    static List<Long> endStale(Connection c, String job, String database, List<Long> previous) throws SQLException {
        List<Long> marked = new ArrayList<>();
        try (PreparedStatement used = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            for (long epoch : previous) {
                for (int partition = 0; partition < MAX_PARTITIONS; partition++) {
                    used.setString(1, name(job, database, epoch, partition));
                    try (ResultSet rs = used.executeQuery()) {
                        if (rs.next() && rs.getLong(1) != 0) {
                            marked.add(rs.getLong(1));
                        }
                    }
                }
            }
        }
        if (marked.isEmpty()) {
            return marked;
        }
        List<Long> open = inTransaction(c, marked);
        if (open.size() < marked.size()) {
            // INNODB_TRX is a copy the server refreshes at most every 0.1 s: a transaction begun just before may be
            // missing from it. Looked at once more after that.
            try {
                Thread.sleep(150);
                open = inTransaction(c, marked);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (long holder : open) {
            Sql.execute(c, "KILL CONNECTION " + holder);
        }
        return open;
    }

    private static List<Long> inTransaction(Connection c, List<Long> sessions) throws SQLException {
        List<Long> open = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?")) {
            for (long session : sessions) {
                st.setLong(1, session);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        open.add(session);
                    }
                }
            }
        }
        return open;
    }

    /** The lock's name: at most 64 characters whatever the job and database are called. */
    static String name(String job, String database, long epoch, int partition) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((job + '\0' + database).getBytes(StandardCharsets.UTF_8));
            return "ferry-apply-" + HexFormat.of().formatHex(d, 0, 8) + "-" + epoch + "-" + partition;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
