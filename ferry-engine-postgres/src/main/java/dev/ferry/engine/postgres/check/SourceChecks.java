package dev.ferry.engine.postgres.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.engine.postgres.cdc.ReplicationNames;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.schema.PgTools;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks a source before a job: client tools new enough ({@code PG_DUMP_TOO_OLD}), readable tables
 * ({@code TABLE_PRIVILEGES}), and for continuous jobs logical decoding ({@code WAL_LEVEL}), free slots
 * and WAL senders, the replication privilege, and leftovers of the job's slot or publication (only when
 * the job's name is known). Reads only.
 */
public final class SourceChecks {
    private final Supplier<PgTools> tools;

    public SourceChecks(Supplier<PgTools> tools) {
        this.tools = tools;
    }

    /** {@code job} may be null: the slot and publication names are then unknown and not checked. */
    public List<Finding> check(DatabaseConnection source, List<String> databases, boolean continuous, String job) {
        List<Finding> findings = new ArrayList<>();
        DatabaseConnection server = databases.isEmpty() ? source : source.withDatabase(databases.getFirst());
        try (Connection c = PgConnector.open(server)) {
            ServerFacts facts = ServerFacts.read(c);
            checkTools(facts.major(), findings);
            if (continuous) {
                checkReplicationSettings(facts, databases.size(), server.username(), findings);
                for (String database : job == null ? List.<String>of() : databases) {
                    checkSlot(c, ReplicationNames.slot(job, database), database, findings);
                }
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, server, "checking the server settings");
        }
        for (String database : databases) {
            DatabaseConnection db = source.withDatabase(database);
            try (Connection c = PgConnector.open(db)) {
                TablePrivileges.check(c, database, server.username()).ifPresent(findings::add);
                if (continuous) {
                    findings.addAll(CdcLimitations.check(c, database));
                }
                if (continuous && job != null) {
                    checkPublication(c, ReplicationNames.publication(job), database, findings);
                }
            } catch (SQLException e) {
                throw PgErrors.translate(e, db, "checking privileges");
            }
        }
        return findings;
    }

    /**
     * DDL capture installs event triggers, which only a superuser can create: {@code DDL_CAPTURE_PRIVILEGE} when the
     * job's user is no superuser.
     */
    public static List<Finding> checkDdlCapture(DatabaseConnection source) {
        DatabaseConnection server = source.database() == null ? source.withDatabase(PgConnector.MAINTENANCE_DATABASE) : source;
        try (Connection c = PgConnector.open(server)) {
            if (dev.ferry.engine.postgres.cdc.DdlCapture.canInstall(c)) {
                return List.of();
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, server, "checking whether the user may create event triggers");
        }
        String user = source.username();
        return List.of(new Finding("DDL_CAPTURE_PRIVILEGE", Severity.ERROR, ("The job captures DDL (captureDdl), which "
                + "needs event triggers on the source, and user %s is not a superuser, so it cannot create them")
                .formatted(user), "ALTER ROLE %s SUPERUSER; or turn DDL capture off".formatted(Dialect.POSTGRESQL.quote(user)),
                user));
    }

    private void checkTools(int sourceMajor, List<Finding> findings) {
        PgTools found;
        try {
            found = tools.get();
        } catch (FerryException e) {
            if (e.code() != ErrorCode.FAILED_PRECONDITION) {
                throw e;
            }
            findings.add(new Finding("PG_DUMP_MISSING", Severity.ERROR, e.getMessage(), installTools(sourceMajor), null));
            return;
        }
        if (found.major() < sourceMajor) {
            findings.add(new Finding("PG_DUMP_TOO_OLD", Severity.ERROR, ("%s is version %s, older than the source "
                    + "(PostgreSQL %d), and refuses to dump it").formatted(found.pgDump(), found.version(), sourceMajor),
                    installTools(sourceMajor), found.pgDump().toString()));
        }
    }

    public static String installTools(int major) {
        return ("Install the PostgreSQL %1$d client tools (or newer) on the Ferry host: Debian/Ubuntu "
                + "'apt-get install postgresql-client-%1$d' (from apt.postgresql.org), RHEL 'dnf install postgresql%1$d'")
                .formatted(major);
    }

    private static void checkReplicationSettings(ServerFacts f, int databases, String user, List<Finding> findings) {
        if (!"logical".equals(f.walLevel())) {
            findings.add(new Finding("WAL_LEVEL", Severity.ERROR, "wal_level is %s; change replication needs logical"
                    .formatted(f.walLevel()), "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL", null));
        }
        int freeSlots = f.maxSlots() - f.usedSlots();
        if (freeSlots < databases) {
            findings.add(new Finding("MAX_REPLICATION_SLOTS", Severity.ERROR, ("%d of max_replication_slots=%d are free; "
                    + "the job needs %d (one per database)").formatted(Math.max(0, freeSlots), f.maxSlots(), databases),
                    "ALTER SYSTEM SET max_replication_slots = %d; then restart PostgreSQL (or drop unused slots)"
                            .formatted(f.usedSlots() + databases + 1), null));
        }
        int freeSenders = f.maxSenders() - f.usedSenders();
        if (freeSenders < databases) {
            findings.add(new Finding("MAX_WAL_SENDERS", Severity.ERROR, ("%d of max_wal_senders=%d are free; the job "
                    + "needs %d (one per database)").formatted(Math.max(0, freeSenders), f.maxSenders(), databases),
                    "ALTER SYSTEM SET max_wal_senders = %d; then restart PostgreSQL"
                            .formatted(f.usedSenders() + databases + 1), null));
        }
        if (!f.canReplicate()) {
            findings.add(new Finding("REPLICATION_PRIVILEGE", Severity.ERROR, ("User %s has neither the REPLICATION "
                    + "attribute nor superuser, so it cannot create a replication slot").formatted(user),
                    "ALTER ROLE %s WITH REPLICATION;".formatted(Dialect.POSTGRESQL.quote(user)), user));
        }
    }

    private static void checkSlot(Connection c, String slot, String database, List<Finding> findings)
            throws SQLException {
        if (exists(c, "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", slot)) {
            findings.add(new Finding("SLOT_EXISTS", Severity.ERROR, ("Replication slot %s, which the job would create "
                    + "for database %s, already exists").formatted(slot, database),
                    "SELECT pg_drop_replication_slot(%s);".formatted(Dialect.POSTGRESQL.literal(slot)), slot));
        }
    }

    private static void checkPublication(Connection c, String publication, String database, List<Finding> findings)
            throws SQLException {
        if (exists(c, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", publication)) {
            findings.add(new Finding("PUBLICATION_EXISTS", Severity.ERROR, ("Publication %s, which the job would "
                    + "create, already exists in database %s").formatted(publication, database),
                    "In database %s: DROP PUBLICATION %s;".formatted(database, Dialect.POSTGRESQL.quote(publication)),
                    database + "." + publication));
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

    /** The server settings and usage the checks compare. */
    record ServerFacts(int major, String walLevel, int maxSlots, int usedSlots, int maxSenders, int usedSenders,
            boolean canReplicate) {
        static ServerFacts read(Connection c) throws SQLException {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT current_setting('server_version_num')::int / 10000, current_setting('wal_level'),
                           current_setting('max_replication_slots')::int,
                           (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int,
                           current_setting('max_wal_senders')::int,
                           (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'walsender')::int,
                           (SELECT rolreplication OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)""")) {
                rs.next();
                return new ServerFacts(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                        rs.getInt(6), rs.getBoolean(7));
            }
        }
    }
}
