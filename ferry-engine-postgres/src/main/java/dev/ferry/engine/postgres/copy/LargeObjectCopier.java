package dev.ferry.engine.postgres.copy;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the contents of large objects in chunks with {@code lo_get}/{@code lo_put}. pg_dump's
 * pre-data section creates the objects (with owner and privileges) but their contents are data;
 * read on the snapshot connection, the contents are those of the snapshot. Memory holds one chunk.
 */
public final class LargeObjectCopier {
    private static final int CHUNK = 1024 * 1024;

    private LargeObjectCopier() {}

    /** What was copied. */
    public record Result(long objects, long bytes) {}

    /**
     * {@code source} is inside the snapshot's transaction (its failures propagate as SQLException);
     * {@code destination} is in autocommit mode and receives one transaction per object (its failures
     * are translated against {@code destinationServer}).
     */
    public static Result copy(Connection source, Connection destination, DatabaseConnection destinationServer)
            throws SQLException {
        List<Long> oids = new ArrayList<>();
        try (Statement st = source.createStatement();
                ResultSet rs = st.executeQuery("SELECT oid FROM pg_catalog.pg_largeobject_metadata ORDER BY oid")) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        }
        if (oids.isEmpty()) {
            return new Result(0, 0);
        }
        String doing = "writing large objects";
        PgErrors.call(destinationServer, doing, () -> {
            destination.setAutoCommit(false);
            return null;
        });
        long bytes = 0;
        try (PreparedStatement get = source.prepareStatement("SELECT pg_catalog.lo_get(?::oid, ?, ?)");
                Destination dest = PgErrors.call(destinationServer, doing, () -> new Destination(destination))) {
            for (long oid : oids) {
                PgErrors.call(destinationServer, doing, () -> dest.create(oid));
                long offset = 0;
                while (true) {
                    get.setLong(1, oid);
                    get.setLong(2, offset);
                    get.setInt(3, CHUNK);
                    byte[] chunk;
                    try (ResultSet rs = get.executeQuery()) {
                        rs.next();
                        chunk = rs.getBytes(1);
                    }
                    if (chunk == null || chunk.length == 0) {
                        break;
                    }
                    long at = offset;
                    PgErrors.call(destinationServer, doing, () -> dest.put(oid, at, chunk));
                    offset += chunk.length;
                    bytes += chunk.length;
                    if (chunk.length < CHUNK) {
                        break;
                    }
                }
                PgErrors.call(destinationServer, doing, () -> {
                    destination.commit();
                    return null;
                });
            }
        } finally {
            try {
                destination.rollback();
                destination.setAutoCommit(true);
            } catch (SQLException ignored) {
                // The caller closes this connection next; a failed rollback only means it is already gone.
            }
        }
        return new Result(oids.size(), bytes);
    }

    /** The destination's prepared statements. */
    private static final class Destination implements AutoCloseable {
        private final PreparedStatement exists;
        private final PreparedStatement create;
        private final PreparedStatement put;

        Destination(Connection c) throws SQLException {
            exists = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_largeobject_metadata WHERE oid = ?::oid");
            create = c.prepareStatement("SELECT pg_catalog.lo_create(?::oid)");
            put = c.prepareStatement("SELECT pg_catalog.lo_put(?::oid, ?, ?)");
        }

        /** Creates the object unless pre-data did already. */
        Void create(long oid) throws SQLException {
            exists.setLong(1, oid);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return null;
                }
            }
            create.setLong(1, oid);
            create.executeQuery().close();
            return null;
        }

        Void put(long oid, long offset, byte[] chunk) throws SQLException {
            put.setLong(1, oid);
            put.setLong(2, offset);
            put.setBytes(3, chunk);
            put.executeQuery().close();
            return null;
        }

        @Override
        public void close() throws SQLException {
            exists.close();
            create.close();
            put.close();
        }
    }
}
