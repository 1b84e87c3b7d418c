package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.core.spi.engine.SourceRetention;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.OptionalLong;

/**
 * What a job's slot costs the source, in one query: the WAL between the server's current position and the
 * slot's {@code restart_lsn} (the server keeps all of it), and the age in transactions of the oldest xmin
 * that the slot or one of Ferry's sessions in the database (an open snapshot of the full load) pins, which
 * holds back vacuum; {@code names} may be null (no slot). Stateless.
 */
public final class SlotRetention {
    private SlotRetention() {}

    public static SourceRetention measure(DatabaseConnection source, String database, ReplicationObjects names) {
        DatabaseConnection db = source.withDatabase(database);
        return PgErrors.call(db, "measuring the replication slot's retained WAL", () -> {
            try (Connection c = PgConnector.open(db);
                    PreparedStatement ps = c.prepareStatement("""
                            SELECT (SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint
                                      FROM pg_catalog.pg_replication_slots WHERE slot_name = ?),
                                   greatest((SELECT greatest(age(xmin), age(catalog_xmin))
                                               FROM pg_catalog.pg_replication_slots WHERE slot_name = ?),
                                            (SELECT max(age(backend_xmin)) FROM pg_catalog.pg_stat_activity
                                              WHERE application_name = 'ferry' AND datname = current_database()
                                                AND pid <> pg_backend_pid()))""")) {
                // no slot (a one-time job): only the snapshot's sessions are measured
                String slot = names == null ? null : names.slot();
                ps.setString(1, slot);
                ps.setString(2, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long wal = rs.getLong(1);
                    OptionalLong retained = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(wal);
                    long age = rs.getLong(2);
                    return new SourceRetention(retained, rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(age));
                }
            }
        });
    }
}
