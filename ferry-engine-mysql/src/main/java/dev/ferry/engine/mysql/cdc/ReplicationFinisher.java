package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes a promotion of one database after replication stopped: every destination table's AUTO_INCREMENT
 * counter and every MariaDB sequence (whose values replication does not carry) is raised to at least the source's,
 * and the progress rows of all the job's apply partitions (then the
 * table and the {@code ferry} database when empty) leave the destination. The binary log needs nothing dropped on the
 * source. Idempotent. Stateless.
 */
public final class ReplicationFinisher {
    private static final Logger log = LoggerFactory.getLogger(ReplicationFinisher.class);

    private ReplicationFinisher() {}

    public static void finish(ReplicationRequest request, MySqlConnector connector) {
        DatabaseConnection source = request.source();
        DatabaseConnection destination = request.destination();
        Map<String, BigInteger> wanted;
        Map<String, SequenceState> wantedSequences;
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            wanted = counters(c, request.database());
            wantedSequences = sequences(c, request.database());
        } catch (SQLException e) {
            throw SqlErrors.map(e, source, "read the AUTO_INCREMENT counters and sequences of database " + Dialect.MYSQL.quote(request.database()));
        }
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            // Each statement below commits by itself: the lease is checked right before they start, and the job's
            // progress rows must not carry a newer owner's epoch.
            request.fence().check();
            ProgressTable.requireEpoch(c, request.jobName(), request.database(), null, request.fenceEpoch(), "%s on %s:%d"
                    .formatted(ProgressTable.QUALIFIED, destination.host(), destination.port()));
            Map<String, BigInteger> current = counters(c, request.database());
            int raised = 0;
            for (Map.Entry<String, BigInteger> e : wanted.entrySet()) {
                BigInteger have = current.get(e.getKey());
                if (have != null && have.compareTo(e.getValue()) < 0) {
                    // A literal: ALTER TABLE takes no parameters, and the value is a number read from the server.
                    Sql.execute(c, "ALTER TABLE " + Dialect.MYSQL.quote(request.database(), e.getKey()) + " AUTO_INCREMENT = "
                            + e.getValue());
                    raised++;
                }
            }
            Map<String, SequenceState> currentSequences = sequences(c, request.database());
            for (Map.Entry<String, SequenceState> e : wantedSequences.entrySet()) {
                SequenceState have = currentSequences.get(e.getKey());
                if (have != null && have.behind(e.getValue())) {
                    // As the full load does: the next value the source has neither handed out nor cached.
                    Sql.execute(c, "ALTER SEQUENCE " + Dialect.MYSQL.quote(request.database(), e.getKey()) + " RESTART WITH "
                            + e.getValue().next());
                    raised++;
                }
            }
            request.fence().check();
            createDeferredObjects(request, connector);
            String removed = ProgressTable.remove(c, request.jobName(), request.database());
            log.atInfo().addKeyValue("job", request.jobName()).addKeyValue("database", request.database())
                    .addKeyValue("counters", raised).addKeyValue("bookkeeping", removed).log("destination AUTO_INCREMENT counters and sequences synchronised");
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "set AUTO_INCREMENT counters and sequences and remove replication bookkeeping in database "
                    + Dialect.MYSQL.quote(request.database()));
        }
    }

    /** The next AUTO_INCREMENT value of each table that has one, read fresh (MySQL 8 caches it otherwise). */
    static Map<String, BigInteger> counters(Connection c, String database) throws SQLException {
        ServerVersion version = ServerVersion.of(c);
        if (version.flavor() == Flavor.MYSQL && version.major() >= 800) {
            Sql.execute(c, "SET SESSION information_schema_stats_expiry = 0");
        }
        Map<String, BigInteger> counters = new LinkedHashMap<>();
        Sql.query(c, "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_TYPE = 'BASE TABLE' AND AUTO_INCREMENT IS NOT NULL", rs -> counters.put(rs.getString(1),
                new BigInteger(rs.getString(2))), database);
        return counters;
    }

    /** Where a sequence stands: the next value it has neither handed out nor cached, and its step. */
    record SequenceState(BigInteger next, BigInteger increment) {
        /** Whether this sequence has not yet got as far as {@code other}, in the direction it counts. */
        boolean behind(SequenceState other) {
            int compared = next.compareTo(other.next);
            return increment.signum() < 0 ? compared > 0 : compared < 0;
        }
    }

    /** The state of each MariaDB sequence of {@code database}; none on MySQL. */
    static Map<String, SequenceState> sequences(Connection c, String database) throws SQLException {
        Map<String, SequenceState> values = new LinkedHashMap<>();
        if (ServerVersion.of(c).flavor() != Flavor.MARIADB) {
            return values;
        }
        for (String name : Sql.query(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_TYPE = 'SEQUENCE'", rs -> rs.getString(1), database)) {
            Sql.query(c, "SELECT next_not_cached_value, increment FROM " + Dialect.MYSQL.quote(database, name),
                    rs -> values.put(name, new SequenceState(new BigInteger(rs.getString(1)), new BigInteger(rs.getString(2)))));
        }
        return values;
    }

    /**
     * Creates the triggers and events the full load of a continuous job left out and replication never replays
     * (those created during CDC included), as the source has them now, for the tables the job selects; those
     * already on the destination (an earlier, interrupted promotion) are left as they are.
     */
    private static void createDeferredObjects(ReplicationRequest request, MySqlConnector connector) throws SQLException {
        String database = request.database();
        var selection = new dev.ferry.core.model.ObjectSelection(request.objects(), dev.ferry.core.model.EngineKind.MYSQL);
        dev.ferry.engine.mysql.schema.SourceSchema schema;
        try (Connection c = connector.open(request.source(), null, MySqlConnector.Role.SOURCE)) {
            var tables = dev.ferry.engine.mysql.catalog.Catalog.baseTables(c, database, selection);
            schema = dev.ferry.engine.mysql.schema.SchemaReader.read(c, database, tables, selection);
        }
        new dev.ferry.engine.mysql.schema.SchemaWriter(connector, request.destination(), database)
                .createTriggersAndEvents(schema);
    }
}
