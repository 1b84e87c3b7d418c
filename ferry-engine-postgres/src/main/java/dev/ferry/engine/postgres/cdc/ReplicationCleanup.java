package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a job's slot and publication for one database, and its DDL capture ({@link DdlCapture}) when it has one. The
 * slot goes first, after ending a WAL sender still streaming from it; a missing slot, publication, capture or database
 * is not an error. Stateless.
 */
public final class ReplicationCleanup {
    private static final Logger log = LoggerFactory.getLogger(ReplicationCleanup.class);
    private static final long RELEASE_WAIT_MILLIS = 10_000;

    private ReplicationCleanup() {}

    public static void drop(DatabaseConnection server, String database, String job, Clock clock) {
        drop(server, database, ReplicationNames.of(null, job, database), clock);
    }

    /** Drops exactly the named slot and publication of {@code database}. */
    public static void drop(DatabaseConnection server, String database, ReplicationObjects names, Clock clock) {
        drop(server, database, names, clock, Fence.NONE);
    }

    /**
     * As above, checking {@code fence} immediately before ending a WAL sender, dropping the slot and dropping the
     * publication: a node that lost the job never ends its new owner's sender nor drops what it streams from.
     */
    public static void drop(DatabaseConnection server, String database, ReplicationObjects names, Clock clock, Fence fence) {
        String slot = names.slot();
        if (names.isNone()) {
            return;
        }
        DatabaseConnection maintenance = server.withDatabase(PgConnector.MAINTENANCE_DATABASE);
        try (Connection c = PgConnector.open(maintenance)) {
            dropSlot(c, slot, clock, fence);
        } catch (SQLException e) {
            throw PgErrors.translate(e, maintenance, "dropping replication slot " + slot);
        }
        String publication = names.publication();
        DatabaseConnection db = server.withDatabase(database);
        Connection c;
        try {
            c = PgConnector.open(db);
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return;
            }
            throw e;
        }
        try (c; Statement st = c.createStatement()) {
            fence.check();
            st.execute("DROP PUBLICATION IF EXISTS " + Dialect.POSTGRESQL.quote(publication));
            if (DdlCapture.remove(c, DdlCapture.names(names))) {
                log.atInfo().addKeyValue("database", database).addKeyValue("publication", publication)
                        .log("DDL capture removed from the source");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "dropping publication " + publication + " and the job's DDL capture");
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("slot", slot)
                .addKeyValue("publication", publication).log("replication objects dropped");
    }

    private static void dropSlot(Connection c, String slot, Clock clock, Fence fence) throws SQLException {
        long deadline = clock.millis() + RELEASE_WAIT_MILLIS;
        try (PreparedStatement state = c.prepareStatement(
                        "SELECT active_pid FROM pg_catalog.pg_replication_slots WHERE slot_name = ?");
                PreparedStatement terminate = c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)");
                PreparedStatement drop = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            while (true) {
                state.setString(1, slot);
                Integer pid;
                try (ResultSet rs = state.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    int value = rs.getInt(1);
                    pid = rs.wasNull() ? null : value;
                }
                fence.check();
                if (pid == null) {
                    drop.setString(1, slot);
                    try {
                        drop.executeQuery().close();
                        return;
                    } catch (SQLException e) {
                        // 42704: dropped meanwhile; 55006: taken again meanwhile, so terminate and retry.
                        if ("42704".equals(e.getSQLState())) {
                            return;
                        }
                        if (!"55006".equals(e.getSQLState())) {
                            throw e;
                        }
                    }
                } else {
                    log.atInfo().addKeyValue("slot", slot).addKeyValue("pid", pid)
                            .log("ending the WAL sender that holds the replication slot");
                    terminate.setInt(1, pid);
                    terminate.executeQuery().close();
                }
                if (clock.millis() > deadline) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s stayed in use for "
                            + "%d s; stop the process reading it and drop it with SELECT pg_drop_replication_slot('%s')")
                            .formatted(slot, RELEASE_WAIT_MILLIS / 1000, slot));
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, "Dropping a replication slot was interrupted", e);
        }
    }
}
