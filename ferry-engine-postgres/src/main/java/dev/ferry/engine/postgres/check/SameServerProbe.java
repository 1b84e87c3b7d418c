package dev.ferry.engine.postgres.check;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Tells whether two connections reach one PostgreSQL server, whatever host names or ports they use: a
 * session on the source takes an advisory lock with random keys, and a session on the destination looks
 * for that lock in {@code pg_locks}, which shows the locks of every database of the server it runs on.
 * The lock ends with the source session; nothing is written. Stateless.
 */
public final class SameServerProbe {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SameServerProbe() {}

    public static boolean sameServer(DatabaseConnection source, DatabaseConnection destination) {
        int classKey = RANDOM.nextInt(1, Integer.MAX_VALUE);
        int objectKey = RANDOM.nextInt(1, Integer.MAX_VALUE);
        try (Connection s = PgConnector.open(source)) {
            try (PreparedStatement lock = s.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?, ?)")) {
                lock.setInt(1, classKey);
                lock.setInt(2, objectKey);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return false;
                    }
                }
            }
            return PgErrors.call(destination, "looking for the source's marker", () -> {
                try (Connection d = PgConnector.open(destination);
                        PreparedStatement look = d.prepareStatement("SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = "
                                + "'advisory' AND classid = ?::bigint::oid AND objid = ?::bigint::oid AND objsubid = 2 AND granted")) {
                    look.setLong(1, classKey);
                    look.setLong(2, objectKey);
                    try (ResultSet rs = look.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw PgErrors.translate(e, source, "taking a marker lock");
        }
    }
}
