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
        if (!hasColumn(c, "epoch")) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + QUALIFIED + " ADD COLUMN IF NOT EXISTS epoch bigint NOT NULL DEFAULT 0");
            }
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
        return hasColumn(c, "part");
    }

    private static boolean hasColumn(Connection c, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
                + "pg_catalog.to_regclass(?) AND attname = ? AND NOT attisdropped")) {
            ps.setString(1, QUALIFIED);
            ps.setString(2, column);
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

    /**
     * The upsert that {@link #write} fills. Nothing is written (the upsert counts no row) when any row of the job carries
     * a newer epoch than the writer's, whatever its partition: a newer owner of the job writes there now.
     */
    static PreparedStatement prepareWrite(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + QUALIFIED + " AS p (job, part, lsn, commit_time, partial_txn, partial_ordinal, "
                + "updated, epoch) SELECT ?::text, ?::int, ?::pg_lsn, ?::timestamptz, ?::text, ?::bigint, now(), ?::bigint "
                + "WHERE NOT EXISTS (SELECT 1 FROM " + QUALIFIED + " n WHERE n.job = ? AND n.epoch > ?) "
                + "ON CONFLICT (job, part) DO UPDATE SET lsn = EXCLUDED.lsn, "
                + "commit_time = EXCLUDED.commit_time, partial_txn = EXCLUDED.partial_txn, "
                + "partial_ordinal = EXCLUDED.partial_ordinal, updated = EXCLUDED.updated, epoch = EXCLUDED.epoch "
                + "WHERE p.epoch <= EXCLUDED.epoch");
    }

    /**
     * Writes {@code mark} as the position of each of {@code partitions} (in the caller's transaction), under the job's
     * lease {@code epoch}. Fencing: when another node recorded a newer epoch for the job, nothing is written and this
     * throws (SQL state {@value #FENCED}), so the caller's transaction, changes included, is rolled back.
     */
    static void write(PreparedStatement upsert, String job, long epoch, Collection<Integer> partitions, Mark<PgLsn> mark)
            throws SQLException {
        for (int part : partitions) {
            upsert.setLong(7, epoch);
            upsert.setString(8, job);
            upsert.setLong(9, epoch);
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
                requireWritten(upsert.executeUpdate(), job, epoch);
            } else {
                upsert.addBatch();
            }
        }
        if (partitions.size() > 1) {
            for (int count : upsert.executeBatch()) {
                requireWritten(count, job, epoch);
            }
        }
    }

    /**
     * A new owner of the job (under lease {@code epoch}) claims its progress rows before it reads where to resume: each
     * row of an older epoch takes this one, waiting for a commit of the old owner that is still in flight; from then on
     * every commit of the old owner on those rows is refused, and what it committed before is in the positions read
     * next. Throws (SQL state {@value #FENCED}) when a row carries a newer epoch than this one: another node owns the
     * job now. A no-op when the table does not exist yet. Autocommit connection; commits its own transaction. Returns
     * the rows claimed.
     */
    static int claim(Connection c, String job, long epoch) throws SQLException {
        if (!exists(c) || !hasColumn(c, "epoch")) {
            return 0;
        }
        c.setAutoCommit(false);
        try (PreparedStatement update = c.prepareStatement("UPDATE " + QUALIFIED + " SET epoch = ? WHERE job = ? AND epoch < ?")) {
            update.setLong(1, epoch);
            update.setString(2, job);
            update.setLong(3, epoch);
            int claimed = update.executeUpdate();
            long newest = newestEpoch(c, job);
            if (newest > epoch) {
                throw new SQLException(("Refused to resume migration job %s with lease epoch %d: the destination records "
                        + "epoch %d of a newer owner; this node dropped the job").formatted(job, epoch, newest), FENCED);
            }
            c.commit();
            return claimed;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** The SQL state of a commit refused because a newer owner of the job writes to the destination. */
    static final String FENCED = "F0001";

    private static void requireWritten(int count, String job, long epoch) throws SQLException {
        if (count == 0) {
            throw new SQLException(("Refused to commit changes of migration job %s with lease epoch %d: a newer owner of the "
                    + "job records its position on this destination; this node dropped the job").formatted(job, epoch), FENCED);
        }
    }

    /**
     * Refuses ({@link dev.ferry.core.spi.engine.Fence#refused}) when a newer owner than {@code epoch} recorded its
     * epoch in the job's rows; passes without fencing (epoch 0) or without rows.
     */
    static void requireEpoch(Connection c, String job, long epoch, dev.ferry.core.model.DatabaseConnection destination)
            throws SQLException {
        if (epoch == 0 || !exists(c) || !hasColumn(c, "epoch")) {
            return;
        }
        if (newestEpoch(c, job) > epoch) {
            throw refused(job, epoch, destination, null);
        }
    }

    /** The newest lease epoch recorded in the job's rows; 0 without rows. */
    private static long newestEpoch(Connection c, String job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(epoch), 0) FROM " + QUALIFIED + " WHERE job = ?")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The refusal ({@link dev.ferry.core.spi.engine.Fence#refused}) of a write under {@code epoch} on {@code destination}
     * because a newer owner of the job recorded its epoch in this table; {@code cause} (the {@value #FENCED} error, or
     * null) is kept as suppressed. The runner treats it as a lost lease.
     */
    static dev.ferry.core.FerryException refused(String job, long epoch, dev.ferry.core.model.DatabaseConnection destination,
            SQLException cause) {
        var refused = dev.ferry.core.spi.engine.Fence.refused(job, epoch, "%s on %s:%d".formatted(QUALIFIED,
                destination.host(), destination.port()));
        if (cause != null) {
            refused.addSuppressed(cause);
        }
        return refused;
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
            st.execute("DROP TABLE IF EXISTS " + QUALIFIED); // another job finishing at the same moment may have dropped it
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
