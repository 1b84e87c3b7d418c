package dev.ferry.engine.mysql.ownership;

import dev.ferry.core.Dialect;
import dev.ferry.core.spi.engine.DatabaseOwner;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The marker that says which Ferry installation and job created a destination database: a row of
 * {@code ferry.ownership} (Ferry's bookkeeping database, beside the replication progress) naming the database,
 * the installation, the job and a random token. MariaDB has no server UUID and {@code server_id} is often 1
 * everywhere, so the token is the identity; MySQL adds its {@code server_uuid}. Stateless; callers own the
 * connections.
 */
public final class OwnershipMarker {
    private static final String DATABASE = "ferry";
    private static final String QUALIFIED = Dialect.MYSQL.quote(DATABASE, "ownership");

    private OwnershipMarker() {}

    public static String mark(Connection c, String database, DatabaseOwner owner) throws SQLException {
        Sql.execute(c, "CREATE DATABASE IF NOT EXISTS " + Dialect.MYSQL.quote(DATABASE) + " CHARACTER SET utf8mb4",
                "CREATE TABLE IF NOT EXISTS " + QUALIFIED + " (database_name VARCHAR(64) NOT NULL, installation VARCHAR(32) NOT NULL,"
                        + " job VARCHAR(190) NOT NULL, token VARCHAR(64) NOT NULL,"
                        + " created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " PRIMARY KEY (database_name, installation, job)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        Sql.update(c, "INSERT INTO " + QUALIFIED + " (database_name, installation, job, token) VALUES (?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE token = VALUES(token), created = CURRENT_TIMESTAMP(6)",
                database, owner.installation(), owner.job(), owner.token());
        return identity(c, owner.token());
    }

    public static Optional<String> read(Connection c, String database, DatabaseOwner owner) throws SQLException {
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", database) == 0
                || Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'ownership'",
                        DATABASE) == 0) {
            return Optional.empty();
        }
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM " + QUALIFIED + " WHERE database_name = ? AND installation = ? AND job = ?"
                + " AND token = ?", database, owner.installation(), owner.job(), owner.token()) == 0) {
            return Optional.empty();
        }
        return Optional.of(identity(c, owner.token()));
    }

    /** Removes the owner's row, then the table and the {@code ferry} database when nothing else is left. */
    public static void remove(Connection c, String database, DatabaseOwner owner) throws SQLException {
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'ownership'",
                DATABASE) == 0) {
            return;
        }
        Sql.update(c, "DELETE FROM " + QUALIFIED + " WHERE database_name = ? AND installation = ? AND job = ?",
                database, owner.installation(), owner.job());
        if (Sql.queryLong(c, "SELECT COUNT(*) FROM " + QUALIFIED) > 0) {
            return;
        }
        Sql.execute(c, "DROP TABLE " + QUALIFIED);
        long others = Sql.queryLong(c, "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?)"
                + " + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?)", DATABASE, DATABASE);
        if (others == 0) {
            Sql.execute(c, "DROP DATABASE IF EXISTS " + Dialect.MYSQL.quote(DATABASE));
        }
    }

    private static String identity(Connection c, String token) throws SQLException {
        String uuid;
        try {
            uuid = Sql.queryString(c, "SELECT @@GLOBAL.server_uuid").orElse("-");
        } catch (SQLException e) {
            uuid = "-"; // MariaDB has no server_uuid
        }
        return uuid + "/" + token;
    }
}
