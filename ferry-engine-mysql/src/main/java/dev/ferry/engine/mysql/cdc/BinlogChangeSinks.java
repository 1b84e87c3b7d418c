package dev.ferry.engine.mysql.cdc;

import dev.ferry.core.cdc.ChangeSinks;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.Sql;
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

    /**
     * What the apply sessions of one run share: where replication starts, the job's fence (its epoch goes into each
     * progress row; it is checked before each replayed DDL statement), and a DDL left pending by the last run.
     */
    static final class Shared {
        private final BinlogPosition start;
        private final Fence fence;
        private final AtomicReference<BinlogPosition> pendingDdl = new AtomicReference<>();
        private volatile String collationDefaults;

        Shared(BinlogPosition start, Fence fence) {
            this.start = start;
            this.fence = fence;
        }

        Fence fence() {
            return fence;
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
            DivergenceGate gate, BinlogPosition start, Fence fence) {
        this.connector = connector;
        this.destination = destination;
        this.job = job;
        this.database = database;
        this.gate = gate;
        this.shared = new Shared(start, fence);
    }

    /**
     * Creates or migrates the progress table; under a lease ({@code fence}'s epoch above 0), claims the job's rows for
     * this owner, so an older owner's commits are refused from now on.
     */
    static BinlogChangeSinks open(MySqlConnector connector, DatabaseConnection destination, String job, String database,
            DivergenceGate gate, BinlogPosition start, Fence fence) {
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            ProgressTable.ensure(c);
            if (fence.epoch() > 0) {
                claim(connector, destination, c, job, database, fence);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "prepare the destination's replication bookkeeping");
        }
        return new BinlogChangeSinks(connector, destination, job, database, gate, start, fence);
    }

    /** How long one attempt to claim the progress rows waits for a previous owner's session that holds them, in seconds. */
    private static final int CLAIM_WAIT_SECONDS = 5;

    /**
     * Claims the job's progress rows for this owner, checking its lease first (a node that lost the job claims
     * nothing). A previous owner frozen inside a commit holds their locks: the claim waits for that commit (or its
     * rollback), so that what it applied is resumed from, never applied twice, logging every
     * {@link #CLAIM_WAIT_SECONDS} and checking the lease again.
     */
    private static void claim(MySqlConnector connector, DatabaseConnection destination, Connection c, String job,
            String database, Fence fence) throws SQLException {
        Sql.execute(c, "SET SESSION innodb_lock_wait_timeout = " + CLAIM_WAIT_SECONDS);
        long self = Sql.queryLong(c, "SELECT CONNECTION_ID()");
        java.util.List<Long> previous = ProgressTable.olderEpochs(c, job, database, fence.epoch());
        for (int waited = 0; ; waited += CLAIM_WAIT_SECONDS) {
            fence.check();
            Thread watch = Thread.ofVirtual().name("ferry-claim-watch").start(
                    () -> endFrozenHolders(connector, destination, self, job, database, fence));
            try {
                int claimed = ProgressTable.claim(c, job, database, fence.epoch());
                if (claimed > 0) {
                    log.atInfo().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("epoch", fence.epoch())
                            .addKeyValue("rows", claimed).log("claimed the job's progress rows on the destination for this owner");
                }
                endStaleAppliers(c, job, database, fence, previous);
                return;
            } catch (SQLException e) {
                if (e.getErrorCode() != 1205) {
                    throw e;
                }
                log.atWarn().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("epoch", fence.epoch())
                        .addKeyValue("waitedSeconds", waited + CLAIM_WAIT_SECONDS)
                        .log("the job's progress rows are locked by a session of its previous owner (a commit in flight); "
                                + "waiting for it before resuming, so nothing is applied twice");
            } finally {
                watch.interrupt();
            }
        }
    }

    /**
     * Ends the apply sessions of the job's previous owners (epochs {@code previous}) still inside a transaction: they can
     * no longer commit, and their row locks would hold this owner's applies back while their host stays frozen. A
     * failure to look only costs that wait, so it is logged, not thrown.
     */
    private static void endStaleAppliers(Connection c, String job, String database, Fence fence, java.util.List<Long> previous) {
        if (previous.isEmpty()) {
            return;
        }
        try {
            for (long connection : OwnerMark.endStale(c, job, database, previous)) {
                log.atWarn().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("epoch", fence.epoch())
                        .addKeyValue("connection", connection)
                        .log("ended an apply session of the job's previous owner that was inside a transaction; it could no "
                                + "longer commit, and its row locks would hold this owner's changes back");
            }
        } catch (SQLException e) {
            log.atWarn().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("error", SqlErrors.serverMessage(e))
                    .log("could not look for apply sessions of the job's previous owner; changes they hold locks on wait for them");
        }
    }

    /** How long a previous owner's session holding the progress rows may sit idle in its transaction before it is ended. */
    private static final int FROZEN_HOLDER_SECONDS = 15;

    /** The sessions whose transactions the claim session ({@code ?}) waits for, idle for at least {@code ?} seconds. */
    private static final String FROZEN_HOLDERS = """
            SELECT b.trx_mysql_thread_id
              FROM information_schema.INNODB_LOCK_WAITS w
              JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
              JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
              JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id
             WHERE r.trx_mysql_thread_id = ? AND p.COMMAND = 'Sleep' AND p.TIME >= ?""";

    /**
     * While the claim session {@code waiter} waits for the progress rows, ends the session that holds them if it has sat
     * idle inside its transaction for {@link #FROZEN_HOLDER_SECONDS}: a previous owner that froze (or was cut off) in the
     * middle of an apply transaction, which would otherwise keep the rows, and this owner, waiting until its session
     * ends. Only a session the claim waits for is ended, so no other job's is touched; its transaction rolls back and
     * this owner resumes from what it had committed. Needs MariaDB's (or MySQL 5.7's) {@code INNODB_LOCK_WAITS} and the
     * right to see and end that session; without them the claim just keeps waiting.
     */
    private static void endFrozenHolders(MySqlConnector connector, DatabaseConnection destination, long waiter, String job,
            String database, Fence fence) {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            return;  // the claim is done
        }
        try (Connection w = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            java.util.List<Long> holders = new java.util.ArrayList<>();
            try (var st = w.prepareStatement(FROZEN_HOLDERS)) {
                st.setLong(1, waiter);
                st.setLong(2, FROZEN_HOLDER_SECONDS);
                try (var rs = st.executeQuery()) {
                    while (rs.next()) {
                        holders.add(rs.getLong(1));
                    }
                }
            }
            for (long holder : holders) {
                fence.check();
                Sql.execute(w, "KILL CONNECTION " + holder);
                log.atWarn().addKeyValue("job", job).addKeyValue("database", database).addKeyValue("epoch", fence.epoch())
                        .addKeyValue("connection", holder)
                        .log("ended the destination session of the job's previous owner, idle inside an apply transaction "
                                + "that holds the job's progress rows; its uncommitted changes roll back");
            }
        } catch (SQLException | RuntimeException e) {
            log.atDebug().addKeyValue("job", job).addKeyValue("error", e.getMessage())
                    .log("could not look for a frozen previous owner's session; the claim keeps waiting for it");
        }
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
