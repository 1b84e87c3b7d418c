package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.core.spi.engine.TableInfo;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties a snapshot to the start of change replication in one database. A new job creates its publication
 * (all tables, or the selected ones) and then its logical slot, whose exported snapshot the full load
 * reads, so every change after the snapshot is in the slot and none before it. A resumed load keeps the
 * job's slot and takes a fresh snapshot from a TEMPORARY slot, whose position is at or after it.
 * Leftovers of an attempt that died before recording its start (same names, slot not in use) are
 * replaced: the names carry the installation and a hash of the exact job and database, and the control
 * plane records them before this runs, so an object of that name is this job's own. Stateless.
 */
public final class ReplicationStart {
    private static final Logger log = LoggerFactory.getLogger(ReplicationStart.class);

    private ReplicationStart() {}

    /** {@code db} names the database; the returned snapshot is the caller's to close. */
    public static SlotSnapshot begin(DatabaseConnection db, String job, ReplicationObjects names, ObjectSelection selection,
            boolean resuming) {
        return begin(db, job, names, selection, resuming, false);
    }

    /**
     * As {@link #begin(DatabaseConnection, String, ReplicationObjects, ObjectSelection, boolean)}; with {@code captureDdl}
     * a new job first installs its DDL capture ({@link DdlCapture}), so every DDL statement after the slot's start is in it.
     */
    public static SlotSnapshot begin(DatabaseConnection db, String job, ReplicationObjects names, ObjectSelection selection,
            boolean resuming, boolean captureDdl) {
        String slot = names.slot();
        if (resuming) {
            requireSlot(db, job, slot);
            String temporary = ReplicationNames.temporarySlot(slot, UUID.randomUUID().toString().substring(0, 8));
            return SlotSnapshot.create(db, temporary, true);
        }
        try (Connection c = PgConnector.open(db)) {
            DdlCapture.Names capture = null;
            if (captureDdl) {
                capture = DdlCapture.names(names);
                DdlCapture.install(c, job, capture);
            }
            createPublication(c, db.database(), names.publication(), selection, capture);
            dropLeftoverSlot(c, slot);
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "creating publication " + names.publication());
        }
        return SlotSnapshot.create(db, slot, false);
    }

    /**
     * A later consistent point of a continuous job's load in {@code db} (its database set): a TEMPORARY slot
     * whose exported snapshot a table is read from again after a DDL; changes to that table up to the slot's
     * position are then skipped. Its name derives from the job's slot {@code jobSlot}. The returned snapshot is
     * the caller's to close (which drops the slot).
     */
    public static SlotSnapshot laterPoint(DatabaseConnection db, String jobSlot) {
        String temporary = ReplicationNames.temporarySlot(jobSlot, UUID.randomUUID().toString().substring(0, 8));
        return SlotSnapshot.create(db, temporary, true);
    }

    /**
     * Records on the destination {@code dest} (its database set) the source storage of the tables the job's snapshot
     * holds, for change replication to compare with (see {@link TableStates}); what is recorded for them is replaced.
     */
    public static void recordStorage(DatabaseConnection dest, String job, Map<TableRef, Long> storage) {
        PgErrors.call(dest, "recording the tables of job " + job, () -> {
            try (Connection c = PgConnector.open(dest)) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET default_transaction_read_only = off");
                }
                ProgressTable.ensure(c);
                TableStates.ensure(c);
                c.setAutoCommit(false);
                for (var e : storage.entrySet()) {
                    TableStates.put(c, job, e.getKey(), 0, e.getValue());
                }
                c.commit();
                return null;
            }
        });
    }

    /** {@code CREATE PUBLICATION}: FOR ALL TABLES for a superuser copying everything, else the selected tables. */
    static String publicationSql(String name, boolean allTables, List<TableRef> tables) {
        String head = "CREATE PUBLICATION " + Dialect.POSTGRESQL.quote(name);
        if (allTables) {
            return head + " FOR ALL TABLES";
        }
        if (tables.isEmpty()) {
            return head;
        }
        return head + " FOR TABLE " + tables.stream().map(t -> "ONLY " + Dialect.POSTGRESQL.quote(t.schema(), t.table()))
                .collect(Collectors.joining(", "));
    }

    private static void createPublication(Connection c, String database, String name, ObjectSelection selection,
            DdlCapture.Names capture) throws SQLException {
        boolean superuser;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            superuser = rs.next() && rs.getBoolean(1);
        }
        boolean all = superuser && (selection == null || selection.isAll());
        List<TableRef> tables = all ? List.of()
                : TableCatalog.tables(c, database, selection).stream().map(TableInfo::ref).toList();
        if (!all && capture != null) {
            tables = Stream.concat(tables.stream(), Stream.of(capture.tableRef())).toList();
        }
        try (Statement st = c.createStatement()) {
            if (exists(c, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", name)) {
                log.atWarn().addKeyValue("database", database).addKeyValue("publication", name)
                        .log("replacing the publication left by an earlier attempt of this job");
                st.execute("DROP PUBLICATION " + Dialect.POSTGRESQL.quote(name));
            }
            st.execute(publicationSql(name, all, tables));
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("publication", name)
                .addKeyValue("tables", all ? "all" : String.valueOf(tables.size())).log("publication created");
    }

    private static void dropLeftoverSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                if (rs.getBoolean(1)) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s already exists and "
                            + "is in use; stop whatever reads it, or drop it with SELECT pg_drop_replication_slot('%s')")
                            .formatted(slot, slot));
                }
            }
        }
        log.atWarn().addKeyValue("slot", slot).log("replacing the replication slot left by an earlier attempt of this job");
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.executeQuery().close();
        }
    }

    private static void requireSlot(DatabaseConnection db, String job, String slot) {
        try (Connection c = PgConnector.open(db)) {
            if (!exists(c, "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", slot)) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Replication slot %s of job %s is missing on "
                        + "%s:%d, so changes since the job started are lost; restart the job to copy everything again")
                        .formatted(slot, job, db.host(), db.port()));
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, db, "looking up replication slot " + slot);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
