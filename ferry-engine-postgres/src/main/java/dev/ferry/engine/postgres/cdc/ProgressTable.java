package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.model.Position.PgLsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The destination's bookkeeping table {@code ferry.replication_progress}: per job and apply partition, the end LSN of
 * the last source transaction whose changes (of that partition) are committed on the destination, and, when the
 * partition is inside a larger transaction, that transaction and the ordinal of its last change applied; written in
 * the same destination transaction as those changes. A table of an older Ferry (one row per job) gains the partition
 * columns on first use; its row is partition 0. Stateless; callers own the connections and transactions.
 */
final class ProgressTable {
    static final String SCHEMA = "ferry";
    static final String TABLE = "replication_progress";
    static final String QUALIFIED = Dialect.POSTGRESQL.quote(SCHEMA, TABLE);


    private ProgressTable() {}

    /**
     * Creates the schema and table unless they exist, and gives an older table its partition columns (autocommit
     * connection; the change is made under a table lock, so concurrent sessions make it once).
     */
    static void ensure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + Dialect.POSTGRESQL.quote(SCHEMA));
            st.execute("CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (job text NOT NULL, part int NOT NULL DEFAULT 0, "
                    + "lsn pg_lsn NOT NULL, commit_time timestamptz, partial_txn text, partial_ordinal bigint NOT NULL DEFAULT 0, "
                    + "updated timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (job, part))");
        }
        if (hasPartitions(c)) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE " + QUALIFIED + " IN ACCESS EXCLUSIVE MODE");
            if (!hasPartitions(c)) {
                st.execute("ALTER TABLE " + QUALIFIED + " ADD COLUMN part int NOT NULL DEFAULT 0, ADD COLUMN partial_txn text, "
                        + "ADD COLUMN partial_ordinal bigint NOT NULL DEFAULT 0, DROP CONSTRAINT replication_progress_pkey, "
                        + "ADD PRIMARY KEY (job, part)");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static boolean hasPartitions(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
                + "pg_catalog.to_regclass(?) AND attname = 'part' AND NOT attisdropped")) {
            ps.setString(1, QUALIFIED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Every partition's recorded mark for the job; empty when the table or the rows do not exist. */
    static Map<Integer, Mark<PgLsn>> read(Connection c, String job) throws SQLException {
        Map<Integer, Mark<PgLsn>> marks = new HashMap<>();
        if (!exists(c)) {
            return marks;
        }
        boolean partitioned = hasPartitions(c);
        String sql = partitioned ? "SELECT part, lsn::text, commit_time, partial_txn, partial_ordinal FROM " + QUALIFIED + " WHERE job = ?"
                : "SELECT 0, lsn::text, commit_time, NULL, 0 FROM " + QUALIFIED + " WHERE job = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime time = rs.getObject(3, OffsetDateTime.class);
                    String txn = rs.getString(4);
                    marks.put(rs.getInt(1), new Mark<>(PgLsn.parseLsn(rs.getString(2)), time == null ? null : time.toInstant(),
                            txn, txn == null ? 0 : rs.getLong(5)));
                }
            }
        }
        return marks;
    }

    /** The earliest position any partition of the job recorded, if any did. */
    static Optional<Mark<PgLsn>> earliest(Connection c, String job) throws SQLException {
        return read(c, job).values().stream().min(java.util.Comparator.comparingLong(m -> m.applied().value()));
    }

    /** The upsert that {@link #write} fills. */
    static PreparedStatement prepareWrite(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, part, lsn, commit_time, partial_txn, partial_ordinal, updated) "
                + "VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (job, part) DO UPDATE SET lsn = EXCLUDED.lsn, "
                + "commit_time = EXCLUDED.commit_time, partial_txn = EXCLUDED.partial_txn, "
                + "partial_ordinal = EXCLUDED.partial_ordinal, updated = EXCLUDED.updated");
    }

    /** Writes {@code mark} as the position of each of {@code partitions} (in the caller's transaction). */
    static void write(PreparedStatement upsert, String job, Collection<Integer> partitions, Mark<PgLsn> mark) throws SQLException {
        for (int part : partitions) {
            upsert.setString(1, job);
            upsert.setInt(2, part);
            upsert.setObject(3, mark.applied().lsn(), Types.OTHER);
            if (mark.commitTime() == null) {
                upsert.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                upsert.setObject(4, OffsetDateTime.ofInstant(mark.commitTime(), ZoneOffset.UTC));
            }
            upsert.setString(5, mark.txn());
            upsert.setLong(6, mark.ordinal());
            if (partitions.size() == 1) {
                upsert.executeUpdate();
            } else {
                upsert.addBatch();
            }
        }
        if (partitions.size() > 1) {
            upsert.executeBatch();
        }
    }

    /** Removes the job's rows of partitions {@code from} and above. */
    static void retire(Connection c, String job, int from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED + " WHERE job = ? AND part >= ?")) {
            ps.setString(1, job);
            ps.setInt(2, from);
            ps.executeUpdate();
        }
    }

    /**
     * Removes the job's row, then the table when no other job has one, then the schema when nothing
     * else is in it. Returns what it did, for the log.
     */
    static String remove(Connection c, String job) throws SQLException {
        TableStates.remove(c, job);
        if (!exists(c)) {
            return "nothing to remove";
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + QUALIFIED + " WHERE job = ?")) {
            ps.setString(1, job);
            ps.executeUpdate();
        }
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + QUALIFIED)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return "row removed; other jobs keep the table";
                }
            }
            st.execute("DROP TABLE " + QUALIFIED);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = n.oid)"
                + " + (SELECT count(*) FROM pg_catalog.pg_proc WHERE pronamespace = n.oid)"
                + " + (SELECT count(*) FROM pg_catalog.pg_type WHERE typnamespace = n.oid)"
                + " FROM pg_catalog.pg_namespace n WHERE n.nspname = ?")) {
            ps.setString(1, SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return "table dropped; schema ferry kept, it holds other objects";
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + Dialect.POSTGRESQL.quote(SCHEMA));
        }
        return "table and schema dropped";
    }

    private static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            ps.setString(1, QUALIFIED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
