package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logical replication slot ({@code pgoutput}) just created on a replication connection, with the
 * snapshot it exported: every change committed after {@link #start()} is in the slot, everything
 * committed before is in the snapshot. The snapshot stays importable only while the replication
 * connection stays open and idle, so nothing else is sent on it; closing it ends the snapshot (and
 * drops a temporary slot). Not thread-safe; closed once.
 */
public final class SlotSnapshot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotSnapshot.class);

    private final Connection connection;
    private final String slot;
    private final PgLsn start;
    private final String snapshotId;

    private SlotSnapshot(Connection connection, String slot, PgLsn start, String snapshotId) {
        this.connection = connection;
        this.slot = slot;
        this.start = start;
        this.snapshotId = snapshotId;
    }

    /** Creates {@code slot} in the database of {@code db} (TEMPORARY when asked) and keeps its snapshot. */
    static SlotSnapshot create(DatabaseConnection db, String slot, boolean temporary) {
        Connection c = PgConnector.openReplication(db);
        try (Statement st = c.createStatement()) {
            int major = c.getMetaData().getDatabaseMajorVersion();
            try (ResultSet rs = st.executeQuery(createSql(slot, temporary, major))) {
                rs.next();
                PgLsn start = PgLsn.parseLsn(rs.getString("consistent_point"));
                String snapshot = rs.getString("snapshot_name");
                log.atInfo().addKeyValue("database", db.database()).addKeyValue("slot", slot)
                        .addKeyValue("temporary", temporary).addKeyValue("position", start.text())
                        .log("replication slot created with an exported snapshot");
                return new SlotSnapshot(c, slot, start, snapshot);
            }
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw PgErrors.translate(e, db, "creating replication slot " + slot);
        }
    }

    /** The replication command: the option list from PostgreSQL 15 on, the older keyword before. */
    static String createSql(String slot, boolean temporary, int major) {
        String head = "CREATE_REPLICATION_SLOT " + Dialect.POSTGRESQL.quote(slot) + (temporary ? " TEMPORARY" : "")
                + " LOGICAL pgoutput";
        return major >= 15 ? head + " (SNAPSHOT 'export')" : head + " EXPORT_SNAPSHOT";
    }

    public String slot() {
        return slot;
    }

    /** The slot's consistent point: replication starts here. */
    public PgLsn start() {
        return start;
    }

    /** The exported snapshot's name, for {@code SET TRANSACTION SNAPSHOT} and {@code pg_dump --snapshot}. */
    public String snapshotId() {
        return snapshotId;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("slot", slot).setCause(e)
                    .log("closing the replication connection failed; the server ends it when it notices");
        }
    }
}
