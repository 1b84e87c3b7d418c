package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The destination's bookkeeping table {@code ferry.replication_progress}: per job and database, the binlog
 * position (file, offset and GTID state) after the last source transaction whose changes are committed on
 * the destination, written in the same destination transaction as those changes. {@code pending_ddl} holds
 * the end position of a DDL statement being replayed (DDL commits by itself, so it cannot share the
 * transaction). Stateless; callers own connections and transactions. Session time zone is UTC.
 */
final class ProgressTable {
    static final String DATABASE = "ferry";
    static final String TABLE = "replication_progress";
    static final String QUALIFIED = Dialect.MYSQL.quote(DATABASE, TABLE);

    /** What a job last applied in one database. */
    record Progress(BinlogPosition position, Instant commitTime, Optional<String> pendingDdl) {}

    private ProgressTable() {}

    static void ensure(Connection c) throws SQLException {
        Sql.execute(c, "CREATE DATABASE IF NOT EXISTS " + Dialect.MYSQL.quote(DATABASE) + " CHARACTER SET utf8mb4",
                "CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (job VARCHAR(190) NOT NULL, database_name VARCHAR(64) NOT NULL,"
                        + " binlog_file VARCHAR(255) NOT NULL, binlog_pos BIGINT UNSIGNED NOT NULL, gtids TEXT NOT NULL,"
                        + " commit_time DATETIME(6) NULL, pending_ddl TEXT NULL,"
                        + " updated TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (job, database_name)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    }

    static Optional<Progress> read(Connection c, String job, String database) throws SQLException {
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                DATABASE, TABLE) == 0) {
            return Optional.empty();
        }
        return Sql.queryOne(c, "SELECT binlog_file, binlog_pos, gtids, commit_time, pending_ddl FROM " + QUALIFIED
                + " WHERE job = ? AND database_name = ?", rs -> {
                    LocalDateTime time = rs.getObject(4, LocalDateTime.class);
                    return new Progress(new BinlogPosition(rs.getString(1), rs.getLong(2), rs.getString(3)),
                            time == null ? null : time.toInstant(ZoneOffset.UTC), Optional.ofNullable(rs.getString(5)));
                }, job, database);
    }

    static PreparedStatement prepareWrite(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO " + QUALIFIED + " (job, database_name, binlog_file, binlog_pos, gtids, commit_time,"
                + " pending_ddl) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE binlog_file = VALUES(binlog_file),"
                + " binlog_pos = VALUES(binlog_pos), gtids = VALUES(gtids), commit_time = VALUES(commit_time),"
                + " pending_ddl = VALUES(pending_ddl)");
    }

    static void write(PreparedStatement upsert, String job, String database, BinlogPosition position, Instant commitTime,
            String pendingDdl) throws SQLException {
        upsert.setString(1, job);
        upsert.setString(2, database);
        upsert.setString(3, position.file());
        upsert.setLong(4, position.offset());
        upsert.setString(5, position.gtids());
        if (commitTime == null) {
            upsert.setNull(6, Types.TIMESTAMP);
        } else {
            upsert.setObject(6, LocalDateTime.ofInstant(commitTime, ZoneOffset.UTC));
        }
        if (pendingDdl == null) {
            upsert.setNull(7, Types.VARCHAR);
        } else {
            upsert.setString(7, pendingDdl);
        }
        upsert.executeUpdate();
    }

    /** Removes the job's row, then the table and the {@code ferry} database when nothing else is left. Returns what it did. */
    static String remove(Connection c, String job, String database) throws SQLException {
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                DATABASE, TABLE) == 0) {
            return "nothing to remove";
        }
        Sql.update(c, "DELETE FROM " + QUALIFIED + " WHERE job = ? AND database_name = ?", job, database);
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM " + QUALIFIED) > 0) {
            return "row removed; other replications keep the table";
        }
        Sql.execute(c, "DROP TABLE " + QUALIFIED);
        long others = Sql.queryLong(c, "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?)"
                + " + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?)", DATABASE, DATABASE);
        if (others > 0) {
            return "table dropped; database ferry kept, it holds other objects";
        }
        Sql.execute(c, "DROP DATABASE IF EXISTS " + Dialect.MYSQL.quote(DATABASE));
        return "table and database dropped";
    }
}
