package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The destination's bookkeeping table {@code ferry.replication_progress}: per job, database and apply partition, the
 * binlog position (file, offset and GTID state) after the last source transaction whose changes that partition
 * committed on the destination, and, inside a transaction applied in several destination transactions, that
 * transaction and the ordinal of its last change applied ({@code partial_txn}, {@code partial_ordinal}); written in
 * the same destination transaction as those changes. {@code pending_ddl} holds the end position of a DDL statement
 * being replayed (DDL commits by itself, so it cannot share the transaction). {@code epoch} is the lease epoch of the
 * node that wrote the row when several Ferry servers share a store (0 otherwise): a write under an older epoch than a
 * row holds is refused in its transaction ({@link #requireEpoch}). A table of an older Ferry (one row per
 * job and database) is migrated in place: its row becomes partition 0. Stateless; callers own connections and
 * transactions. Session time zone is UTC.
 */
final class ProgressTable {
    static final String DATABASE = "ferry";
    static final String TABLE = "replication_progress";
    static final String QUALIFIED = Dialect.MYSQL.quote(DATABASE, TABLE);
    /** ER_DUP_FIELDNAME, ER_MULTIPLE_PRI_KEY, ER_CANT_DROP_FIELD_OR_KEY: another session migrated the table first. */
    private static final Set<Integer> MIGRATED_MEANWHILE = Set.of(1060, 1068, 1091);

    /** What one partition of a job last applied in one database. */
    record Progress(int part, BinlogPosition position, Instant commitTime, String partialTxn, long partialOrdinal,
            Optional<String> pendingDdl) {
        Mark<BinlogPosition> mark() {
            return new Mark<>(position, commitTime, partialTxn, partialTxn == null ? 0 : partialOrdinal);
        }
    }

    /** ER_NO_SUCH_TABLE. */
    private static final int NO_SUCH_TABLE = 1146;
    /** ER_BAD_TABLE_ERROR, what DROP TABLE says of a table dropped meanwhile. */
    private static final int UNKNOWN_TABLE = 1051;

    private ProgressTable() {}

    /** ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR: a user without the LOCK TABLES privilege. */
    private static final Set<Integer> LOCK_DENIED = Set.of(1044, 1142);

    /** Write-locks the table for counting and dropping it; false when the user may not (then it goes unlocked). */
    private static boolean lockForDrop(Connection c) throws SQLException {
        try {
            Sql.execute(c, "LOCK TABLES " + QUALIFIED + " WRITE");
            return true;
        } catch (SQLException e) {
            if (LOCK_DENIED.contains(e.getErrorCode())) {
                return false;
            }
            throw e;
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        return Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                DATABASE, TABLE) > 0;
    }

    /** Creates the table, or adds what an older Ferry's table lacks. Runs DDL: never inside an open transaction. */
    static void ensure(Connection c) throws SQLException {
        Sql.execute(c, "CREATE DATABASE IF NOT EXISTS " + Dialect.MYSQL.quote(DATABASE) + " CHARACTER SET utf8mb4",
                "CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (job VARCHAR(190) NOT NULL, database_name VARCHAR(64) NOT NULL,"
                        + " part INT NOT NULL DEFAULT 0,"
                        + " binlog_file VARCHAR(255) NOT NULL, binlog_pos BIGINT UNSIGNED NOT NULL, gtids TEXT NOT NULL,"
                        + " commit_time DATETIME(6) NULL, partial_txn TEXT NULL, partial_ordinal BIGINT NOT NULL DEFAULT 0,"
                        + " pending_ddl TEXT NULL, epoch BIGINT NOT NULL DEFAULT 0,"
                        + " updated TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (job, database_name, part)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        Set<String> columns = new HashSet<>(Sql.query(c, "SELECT LOWER(COLUMN_NAME) FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", rs -> rs.getString(1), DATABASE, TABLE));
        try {
            if (!columns.contains("part")) {
                Sql.execute(c, "ALTER TABLE " + QUALIFIED + " ADD COLUMN part INT NOT NULL DEFAULT 0 AFTER database_name,"
                        + " DROP PRIMARY KEY, ADD PRIMARY KEY (job, database_name, part)");
            }
            if (!columns.contains("epoch")) {
                Sql.execute(c, "ALTER TABLE " + QUALIFIED + " ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0 AFTER pending_ddl");
            }
            if (!columns.contains("partial_txn")) {
                Sql.execute(c, "ALTER TABLE " + QUALIFIED + " ADD COLUMN partial_txn TEXT NULL AFTER commit_time,"
                        + " ADD COLUMN partial_ordinal BIGINT NOT NULL DEFAULT 0 AFTER partial_txn");
            }
        } catch (SQLException e) {
            if (!MIGRATED_MEANWHILE.contains(e.getErrorCode())) {
                throw e;
            }
        }
    }

    /** Every partition's row of the job in {@code database}, by partition; empty when there is no table. */
    static Map<Integer, Progress> read(Connection c, String job, String database) throws SQLException {
        Map<Integer, Progress> rows = new TreeMap<>();
        if (!exists(c)) {
            return rows;
        }
        Sql.query(c, "SELECT part, binlog_file, binlog_pos, gtids, commit_time, partial_txn, partial_ordinal, pending_ddl FROM "
                + QUALIFIED + " WHERE job = ? AND database_name = ?", rs -> {
                    LocalDateTime time = rs.getObject(5, LocalDateTime.class);
                    var p = new Progress(rs.getInt(1), new BinlogPosition(rs.getString(2), rs.getLong(3), rs.getString(4)),
                            time == null ? null : time.toInstant(ZoneOffset.UTC), rs.getString(6), rs.getLong(7),
                            Optional.ofNullable(rs.getString(8)));
                    return rows.put(p.part(), p);
                }, job, database);
        return rows;
    }

    /** The upsert of a partition's position; a pending DDL stays recorded until {@link #clearPending}. */
    static PreparedStatement prepareWrite(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, database_name, part, binlog_file, binlog_pos, gtids,"
                + " commit_time, partial_txn, partial_ordinal, epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE binlog_file = VALUES(binlog_file), binlog_pos = VALUES(binlog_pos),"
                + " gtids = VALUES(gtids), commit_time = VALUES(commit_time), partial_txn = VALUES(partial_txn),"
                + " partial_ordinal = VALUES(partial_ordinal), epoch = GREATEST(epoch, VALUES(epoch))");
    }

    /**
     * Adds to {@code upsert}'s batch the row saying partition {@code part} has applied up to {@code mark}, under lease
     * {@code epoch} (a row's epoch never decreases; see {@link #requireEpoch}).
     */
    static void addWrite(PreparedStatement upsert, String job, String database, int part, long epoch, Mark<BinlogPosition> mark)
            throws SQLException {
        bindRow(upsert, job, database, part, mark.applied());
        upsert.setLong(10, epoch);
        if (mark.commitTime() == null) {
            upsert.setNull(7, Types.TIMESTAMP);
        } else {
            upsert.setObject(7, LocalDateTime.ofInstant(mark.commitTime(), ZoneOffset.UTC));
        }
        if (mark.txn() == null) {
            upsert.setNull(8, Types.VARCHAR);
        } else {
            upsert.setString(8, mark.txn());
        }
        upsert.setLong(9, mark.ordinal());
        upsert.addBatch();
    }

    /**
     * Records {@code pendingDdl} (the end position of a DDL statement about to run) for each of {@code parts}, keeping
     * their positions; a partition without a row gets one at {@code start}, where it resumes.
     */
    static void writePending(Connection c, String job, String database, Collection<Integer> parts, long epoch,
            BinlogPosition start, String pendingDdl) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, database_name, part, binlog_file,"
                + " binlog_pos, gtids, pending_ddl, epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                + " pending_ddl = VALUES(pending_ddl), epoch = GREATEST(epoch, VALUES(epoch))")) {
            for (int part : parts) {
                bindRow(ps, job, database, part, start);
                ps.setString(7, pendingDdl);
                ps.setLong(8, epoch);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Binds a row's key and position, the first six parameters of both writes. */
    private static void bindRow(PreparedStatement ps, String job, String database, int part, BinlogPosition position)
            throws SQLException {
        ps.setString(1, job);
        ps.setString(2, database);
        ps.setInt(3, part);
        ps.setString(4, position.file());
        ps.setLong(5, position.offset());
        ps.setString(6, position.gtids());
    }

    /** The DDL statement recorded as pending for {@code parts} has run: forgets it. */
    static void clearPending(Connection c, String job, String database, Collection<Integer> parts) throws SQLException {
        List<Object> params = new ArrayList<>(List.of(job, database));
        params.addAll(parts);
        Sql.update(c, "UPDATE " + QUALIFIED + " SET pending_ddl = NULL WHERE job = ? AND database_name = ? AND part IN ("
                + String.join(", ", Collections.nCopies(parts.size(), "?")) + ")", params.toArray());
    }

    /**
     * Fencing, after the caller wrote the rows of {@code parts} in its open transaction (which holds their locks now):
     * when any of them carries a newer epoch than {@code epoch} (another node owns the job and claimed or wrote them),
     * refuses with {@link Fence#refused}; the caller then rolls its transaction back, changes included. {@code parts}
     * null looks at every partition's row (at promotion). Passes without fencing (epoch 0).
     */
    static void requireEpoch(Connection c, String job, String database, Collection<Integer> parts, long epoch, String where)
            throws SQLException {
        if (epoch == 0 || parts != null && parts.isEmpty()) {
            return;
        }
        List<Object> params = new ArrayList<>(List.of(job, database));
        String inParts = "";
        if (parts != null) {
            params.addAll(parts);
            inParts = " AND part IN (" + String.join(", ", Collections.nCopies(parts.size(), "?")) + ")";
        } else if (!exists(c)) {
            return;
        }
        long newest;
        try {
            newest = Sql.queryLong(c, "SELECT COALESCE(MAX(epoch), 0) FROM " + QUALIFIED + " WHERE job = ? AND database_name = ?"
                    + inParts, params.toArray());
        } catch (SQLException e) {
            if (parts == null && e.getErrorCode() == NO_SUCH_TABLE) {
                return; // another job's promotion dropped the table after finding it empty: this job has no rows
            }
            throw e;
        }
        if (newest > epoch) {
            throw Fence.refused(job, epoch, where);
        }
    }

    /** The epochs older than {@code epoch} that the job's rows in {@code database} carry: its previous owners'. */
    static java.util.List<Long> olderEpochs(Connection c, String job, String database, long epoch) throws SQLException {
        java.util.List<Long> epochs = new java.util.ArrayList<>();
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                + "AND COLUMN_NAME = 'epoch'", DATABASE, TABLE) == 0) {
            return epochs;
        }
        try (var st = c.prepareStatement("SELECT DISTINCT epoch FROM " + QUALIFIED
                + " WHERE job = ? AND database_name = ? AND epoch < ?")) {
            st.setString(1, job);
            st.setString(2, database);
            st.setLong(3, epoch);
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    epochs.add(rs.getLong(1));
                }
            }
        }
        return epochs;
    }

    /**
     * A new owner of the job (lease {@code epoch}) claims the job's rows in {@code database} before it reads them (the
     * caller's connection commits by itself): from then on every commit of an older owner is refused, even before this
     * owner commits anything. Waits for a commit of the older owner that is under way. Returns the rows claimed.
     */
    static int claim(Connection c, String job, String database, long epoch) throws SQLException {
        return Sql.update(c, "UPDATE " + QUALIFIED + " SET epoch = ? WHERE job = ? AND database_name = ? AND epoch < ?",
                epoch, job, database, epoch);
    }

    /** Removes the rows of partitions {@code from} and above. */
    static void retire(Connection c, String job, String database, int from) throws SQLException {
        Sql.update(c, "DELETE FROM " + QUALIFIED + " WHERE job = ? AND database_name = ? AND part >= ?", job, database, from);
    }

    /**
     * Removes every partition's row of the job in {@code database}, then the table and the {@code ferry} database when
     * nothing else is left. Returns what it did.
     */
    static String remove(Connection c, String job, String database) throws SQLException {
        if (!exists(c)) {
            return "nothing to remove";
        }
        int rows;
        boolean locked;
        try {
            rows = Sql.update(c, "DELETE FROM " + QUALIFIED + " WHERE job = ? AND database_name = ?", job, database);
            // Counted and dropped under a write lock: another job's first progress rows cannot slip in between (its
            // insert waits, then finds the table gone and fails loudly instead of losing them).
            locked = lockForDrop(c);
        } catch (SQLException e) {
            if (e.getErrorCode() == NO_SUCH_TABLE) {
                return "nothing to remove"; // another job finishing at the same moment dropped it
            }
            throw e;
        }
        try {
            if (Sql.queryLong(c, "SELECT COUNT(*) FROM " + QUALIFIED) > 0) {
                return rows + " row(s) removed; other replications keep the table";
            }
            Sql.execute(c, "DROP TABLE " + QUALIFIED);
        } catch (SQLException e) {
            if (e.getErrorCode() != NO_SUCH_TABLE && e.getErrorCode() != UNKNOWN_TABLE) {
                throw e; // else dropped by another job finishing at the same moment
            }
        } finally {
            if (locked) {
                Sql.execute(c, "UNLOCK TABLES");
            }
        }
        long others = Sql.queryLong(c, "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?)"
                + " + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?)", DATABASE, DATABASE);
        if (others > 0) {
            return "table dropped; database ferry kept, it holds other objects";
        }
        Sql.execute(c, "DROP DATABASE IF EXISTS " + Dialect.MYSQL.quote(DATABASE));
        return "table and database dropped";
    }
}
