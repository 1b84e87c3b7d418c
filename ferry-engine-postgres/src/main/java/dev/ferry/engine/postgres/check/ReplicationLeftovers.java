package dev.ferry.engine.postgres.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.engine.postgres.cdc.ReplicationNames;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What can make a source keep WAL without bound: {@code max_slot_wal_keep_size = -1}
 * ({@code UNBOUNDED_SLOT_WAL}), and replication slots and publications named as this installation's that no
 * job records ({@code ORPHANED_REPLICATION}), each with the exact statement that drops it. Reads only.
 */
public final class ReplicationLeftovers {
    private ReplicationLeftovers() {}

    public static List<Finding> check(DatabaseConnection source, List<String> databases, String installation,
            Set<ReplicationObjects> owned) {
        String prefix = ReplicationNames.installationPrefix(installation);
        Set<String> ownedSlots = owned.stream().map(ReplicationObjects::slot).collect(Collectors.toSet());
        Set<String> ownedPublications = owned.stream().map(ReplicationObjects::publication).collect(Collectors.toSet());
        List<Finding> findings = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        DatabaseConnection server = databases.isEmpty() ? source : source.withDatabase(databases.getFirst());
        PgErrors.call(server, "reading replication slots", () -> {
            try (Connection c = PgConnector.open(server)) {
                unboundedWal(c).ifPresent(findings::add);
                try (PreparedStatement ps = c.prepareStatement("SELECT slot_name, database FROM pg_catalog.pg_replication_slots "
                        + "WHERE NOT temporary AND left(slot_name::text, ?) = ? ORDER BY 1")) {
                    ps.setInt(1, prefix.length());
                    ps.setString(2, prefix);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (!ownedSlots.contains(rs.getString(1))) {
                                names.add("slot %s (database %s)".formatted(rs.getString(1), rs.getString(2)));
                                drops.add("SELECT pg_drop_replication_slot(%s);".formatted(Dialect.POSTGRESQL.literal(rs.getString(1))));
                            }
                        }
                    }
                }
            }
            return null;
        });
        for (String database : databases) {
            DatabaseConnection db = source.withDatabase(database);
            PgErrors.call(db, "reading publications", () -> {
                try (Connection c = PgConnector.open(db);
                        PreparedStatement ps = c.prepareStatement(
                                "SELECT pubname FROM pg_catalog.pg_publication WHERE left(pubname::text, ?) = ? ORDER BY 1")) {
                    ps.setInt(1, prefix.length());
                    ps.setString(2, prefix);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (!ownedPublications.contains(rs.getString(1))) {
                                names.add("publication %s (database %s)".formatted(rs.getString(1), database));
                                drops.add("In database %s: DROP PUBLICATION %s;".formatted(database,
                                        Dialect.POSTGRESQL.quote(rs.getString(1))));
                            }
                        }
                    }
                }
                return null;
            });
        }
        if (!names.isEmpty()) {
            findings.add(new Finding("ORPHANED_REPLICATION", Severity.WARNING, ("%d replication object(s) of this Ferry "
                    + "installation on the source belong to no job: %s. A slot keeps WAL on the source until it is "
                    + "dropped").formatted(names.size(), String.join(", ", names)),
                    "Drop them on the source: " + String.join(" ", drops), String.join(", ", names)));
        }
        return findings;
    }

    private static java.util.Optional<Finding> unboundedWal(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('max_slot_wal_keep_size', true)");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !"-1".equals(rs.getString(1))) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(new Finding("UNBOUNDED_SLOT_WAL", Severity.WARNING, ("max_slot_wal_keep_size is -1 "
                + "on the source: if the job stops reading (Ferry down, job failed or stopped), its replication slot keeps "
                + "every WAL file from then on, until the source's disk is full"),
                ("Bound it on the source, for example ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT "
                        + "pg_reload_conf(); (a job whose slot falls further behind than that fails and must be restarted; "
                        + "watch ferry_replication_slot_retained_wal_bytes)"), "max_slot_wal_keep_size"));
    }
}
