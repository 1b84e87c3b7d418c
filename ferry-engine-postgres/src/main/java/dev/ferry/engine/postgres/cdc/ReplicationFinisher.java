package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes a promotion of one database after replication stopped: every destination sequence takes
 * the source's {@code last_value} and {@code is_called}; the job's progress row (then the table and the
 * {@code ferry} schema when empty) leaves the destination; the job's slot (after ending a walsender
 * still using it) and publication leave the source. Idempotent. Stateless.
 */
public final class ReplicationFinisher {
    private static final Logger log = LoggerFactory.getLogger(ReplicationFinisher.class);

    private record Sequence(String schema, String name, long lastValue, boolean called) {}

    private ReplicationFinisher() {}

    public static void finish(ReplicationRequest request, Clock clock) {
        DatabaseConnection source = request.source().withDatabase(request.database());
        DatabaseConnection destination = request.destination().withDatabase(request.database());
        List<Sequence> sequences = PgErrors.call(source, "reading sequence values", () -> {
            try (Connection c = PgConnector.open(source)) {
                return readSequences(c);
            }
        });
        PgErrors.call(destination, "setting sequences and removing replication bookkeeping", () -> {
            try (Connection c = PgConnector.open(destination)) {
                try (Statement st = c.createStatement()) {
                    // A demoted destination starts sessions read-only; Ferry's own session writes.
                    st.execute("SET default_transaction_read_only = off");
                }
                // Sequences are set outside any transaction: the lease is checked right before, and the destination's
                // progress rows must not carry a newer owner's epoch.
                request.fence().check();
                ProgressTable.requireEpoch(c, request.jobName(), request.fenceEpoch(), destination);
                int set = setSequences(c, sequences);
                String removed = ProgressTable.remove(c, request.jobName());
                log.atInfo().addKeyValue("job", request.jobName()).addKeyValue("database", request.database())
                        .addKeyValue("sequences", set).addKeyValue("bookkeeping", removed)
                        .log("destination sequences synchronised");
                return null;
            }
        });
        ReplicationCleanup.drop(request.source(), request.database(), request.replicationObjects() != null
                ? request.replicationObjects() : ReplicationNames.of(null, request.jobName(), request.database()), clock,
                request.fence());
    }

    private static List<Sequence> readSequences(Connection c) throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT n.nspname, s.relname FROM pg_catalog.pg_class s "
                        + "JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace WHERE s.relkind = 'S' "
                        + "AND n.nspname <> 'information_schema' AND n.nspname <> 'ferry' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2")) {
            while (rs.next()) {
                names.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        List<Sequence> sequences = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String[] name : names) {
                try (ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM "
                        + Dialect.POSTGRESQL.quote(name[0], name[1]))) {
                    rs.next();
                    sequences.add(new Sequence(name[0], name[1], rs.getLong(1), rs.getBoolean(2)));
                }
            }
        }
        return sequences;
    }

    private static int setSequences(Connection c, List<Sequence> sequences) throws SQLException {
        int set = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.setval(r, ?, ?) "
                + "FROM (SELECT pg_catalog.to_regclass(?) AS r) AS target WHERE r IS NOT NULL")) {
            for (Sequence s : sequences) {
                ps.setLong(1, s.lastValue());
                ps.setBoolean(2, s.called());
                ps.setString(3, Dialect.POSTGRESQL.quote(s.schema(), s.name()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        set++;
                    } else {
                        log.atWarn().addKeyValue("sequence", s.schema() + "." + s.name())
                                .log("sequence missing on the destination; not synchronised");
                    }
                }
            }
        }
        return set;
    }
}
