package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.cdc.ChangeSinks;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.cdc.ProgressTable.Progress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side of one database's binlog replication: the progress rows of its apply partitions ({@code
 * ferry.replication_progress}, created or migrated on construction) and an apply session per partition. Remembers a
 * DDL statement that a previous run left pending (recorded before it ran, not yet after), so that replaying it
 * tolerates what it had already done. Thread-safe: each call opens what it needs.
 */
final class BinlogChangeSinks implements ChangeSinks<BinlogPosition, BinlogChange> {
    private static final Logger log = LoggerFactory.getLogger(BinlogChangeSinks.class);

    /** What the apply sessions of one run share: where replication starts, and a DDL left pending by the last run. */
    static final class Shared {
        private final BinlogPosition start;
        private final AtomicReference<BinlogPosition> pendingDdl = new AtomicReference<>();
        private volatile String collationDefaults;

        Shared(BinlogPosition start) {
            this.start = start;
        }

        /** The source's {@link CollationDefaults}, for the apply sessions' DDL; null when not known. */
        String collationDefaults() {
            return collationDefaults;
        }

        BinlogPosition start() {
            return start;
        }

        /** Whether the DDL ending at {@code end} was pending when the last run stopped (it may have run already). */
        boolean replaying(BinlogPosition end) {
            BinlogPosition p = pendingDdl.get();
            return p != null && Coordinates.compare(p, end) == 0;
        }

        void replayed(BinlogPosition end) {
            BinlogPosition p = pendingDdl.get();
            if (p != null && Coordinates.compare(p, end) <= 0) {
                pendingDdl.compareAndSet(p, null);
            }
        }

        void pending(BinlogPosition end) {
            pendingDdl.set(end);
        }
    }

    private final MySqlConnector connector;
    private final DatabaseConnection destination;
    private final String job;
    private final String database;
    private final DivergenceGate gate;
    private final Shared shared;

    private BinlogChangeSinks(MySqlConnector connector, DatabaseConnection destination, String job, String database,
            DivergenceGate gate, BinlogPosition start) {
        this.connector = connector;
        this.destination = destination;
        this.job = job;
        this.database = database;
        this.gate = gate;
        this.shared = new Shared(start);
    }

    /** Creates or migrates the progress table, then reads what the partitions recorded. */
    static BinlogChangeSinks open(MySqlConnector connector, DatabaseConnection destination, String job, String database,
            DivergenceGate gate, BinlogPosition start) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            ProgressTable.ensure(c);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "prepare the destination's replication bookkeeping");
        }
        return new BinlogChangeSinks(connector, destination, job, database, gate, start);
    }

    /**
     * Each partition's recorded mark. A DDL pending in any partition's row (the previous run stopped while replaying it)
     * is remembered for the replay.
     */
    @Override
    public Map<Integer, Mark<BinlogPosition>> recorded() {
        Map<Integer, Mark<BinlogPosition>> marks = new HashMap<>();
        for (Progress p : rows().values()) {
            marks.put(p.part(), p.mark());
            p.pendingDdl().ifPresent(text -> {
                BinlogPosition end = Coordinates.binlog(Position.parse(text), "pending DDL");
                shared.pending(end);
                log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("position", text)
                        .log("a DDL statement was being replayed when replication stopped; it is replayed again, tolerating what it had done");
            });
        }
        return marks;
    }

    /** Gives the apply sessions opened from now on the source's {@link CollationDefaults}. */
    void collationDefaults(String mapping) {
        shared.collationDefaults = mapping;
    }

    /** The recorded rows of every partition, read now. */
    Map<Integer, Progress> rows() {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            return ProgressTable.read(c, job, database);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "read the replication progress of database " + database);
        }
    }

    /** The triggers of the database on the destination. */
    java.util.List<String> triggers() {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            return new DestinationCatalog(c, destination).triggers(database);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "close a destination session");
        }
    }

    @Override
    public ChangeApplier open(int partition) {
        return ChangeApplier.open(connector, destination, job, database, partition, shared, gate);
    }

    @Override
    public void retire(int from) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            ProgressTable.retire(c, job, database, from);
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "remove the progress of apply partitions " + from + " and above");
        }
        log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("from", from)
                .log("apply partitions retired");
    }
}
