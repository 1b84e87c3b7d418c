package dev.ferry.engine.mysql.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cdc.Mark;
import dev.ferry.core.cdc.RowChange.Op;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.Position.BinlogPosition;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.testkit.LocalMariaDb;
import java.io.Serializable;
import java.sql.Connection;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fencing of MySQL/MariaDB apply commits: each progress row carries the lease epoch of the node applying; a new owner
 * claims the job's rows when it starts, and a commit under an older epoch is then refused and rolled back, changes
 * and all. A replayed DDL statement (which commits by itself) runs only while the lease is still this node's. On the
 * source, the new owner's binlog reader (the job's server id) replaces the previous owner's binlog dump.
 */
@Timeout(60)
class ProgressFencingIT {
    private static final byte[] TYPES = {(byte) ColumnType.LONG.getCode(), (byte) ColumnType.LONG.getCode()};
    private static final BitSet ALL = BitSet.valueOf(new long[] {0b11});
    private static final BinlogPosition START = new BinlogPosition("b.000001", 4, "");

    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    /** A lease with an epoch that can be lost. */
    private static final class Lease implements Fence {
        private final long epoch;
        final AtomicBoolean lost = new AtomicBoolean();

        Lease(long epoch) {
            this.epoch = epoch;
        }

        @Override
        public long epoch() {
            return epoch;
        }

        @Override
        public void check() {
            if (lost.get()) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "lease lost");
            }
        }
    }

    @Test
    void anApplyCommitUnderAnOlderEpochIsRefusedAndWritesNoRow() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        TableDef t = table(f, "t");
        try (ChangeApplier stale = sinks(f, new Lease(4)).open(0)) {
            stale.applyInOrder(List.of(insert(t, 1)));
            stale.commit(Mark.at(new BinlogPosition("b.000001", 100, ""), null), List.of(0));

            // The job moves to another node (epoch 5), whose destination side claims the job's rows when it opens.
            sinks(f, new Lease(5));

            // The old owner, still running, applies one more change: its commit is refused and rolled back.
            stale.applyInOrder(List.of(insert(t, 2)));
            assertThatThrownBy(() -> stale.commit(Mark.at(new BinlogPosition("b.000001", 200, ""), null), List.of(0)))
                    .satisfies(e -> assertThat(Fence.refusedIn(e)).isTrue())
                    .hasMessageContaining("lease epoch 4");
        }
        assertThat(f.destinationStrings("SELECT id FROM t ORDER BY id")).containsExactly("1");
        assertThat(f.destinationStrings("SELECT CONCAT(binlog_pos, '@', epoch) FROM ferry.replication_progress WHERE job = 'fenced-job' AND database_name = '" + f.database + "'"))
                .containsExactly("100@5");

        // The new owner applies and commits.
        try (ChangeApplier owner = sinks(f, new Lease(5)).open(0)) {
            owner.applyInOrder(List.of(insert(t, 3)));
            owner.commit(Mark.at(new BinlogPosition("b.000001", 300, ""), null), List.of(0));
        }
        assertThat(f.destinationStrings("SELECT id FROM t ORDER BY id")).containsExactly("1", "3");
    }

    @Test
    void aPreviousOwnerFrozenInsideItsCommitIsEndedAndItsUncommittedPositionIsNotResumedFrom() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        TableDef t = table(f, "t");
        try (ChangeApplier stale = sinks(f, new Lease(4)).open(0)) {
            stale.applyInOrder(List.of(insert(t, 1)));
            stale.commit(Mark.at(new BinlogPosition("b.000001", 100, ""), null), List.of(0));
        }
        String row = "job = 'fenced-job' AND database_name = '" + f.database + "'";
        try (Connection frozen = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
            // The old owner froze inside its commit: its next position is written, never committed.
            frozen.setAutoCommit(false);
            dev.ferry.engine.mysql.Sql.execute(frozen, "UPDATE " + ProgressTable.QUALIFIED + " SET binlog_pos = 200 WHERE " + row);
            sinks(f, new Lease(5));
            assertThatThrownBy(frozen::commit).as("the frozen owner's session was ended").isInstanceOf(java.sql.SQLException.class);
        }
        assertThat(f.destinationStrings("SELECT CONCAT(binlog_pos, '@', epoch) FROM ferry.replication_progress WHERE " + row))
                .containsExactly("100@5");
    }

    @Test
    void aNewOwnersClaimEndsThePreviousOwnersApplySessionsHoldingRowLocksAndNoOtherSession() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        TableDef t = table(f, "t");
        try (ChangeApplier stale = sinks(f, new Lease(4)).open(0);
                Connection user = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
            stale.applyInOrder(List.of(insert(t, 1)));
            stale.commit(Mark.at(new BinlogPosition("b.000001", 100, ""), null), List.of(0));
            // The previous owner froze after applying row 2, before it wrote its position: it holds the row's lock and
            // none on the progress rows. A user's session is inside a transaction too.
            stale.applyInOrder(List.of(insert(t, 2)));
            user.setAutoCommit(false);
            dev.ferry.engine.mysql.Sql.execute(user, "SELECT id FROM " + f.database + ".t WHERE id = 1 FOR UPDATE");

            sinks(f, new Lease(5));
            try (Connection next = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
                dev.ferry.engine.mysql.Sql.execute(next, "SET SESSION innodb_lock_wait_timeout = 5",
                        "INSERT INTO " + f.database + ".t VALUES (2, 5)");
            }
            assertThat(f.destinationStrings("SELECT v FROM t WHERE id = 2")).as("the row lock is gone").containsExactly("5");
            dev.ferry.engine.mysql.Sql.execute(user, "SELECT 1");
            user.commit();
        }
    }

    @Test
    void aDdlStatementIsNotReplayedOnceTheLeaseIsLost() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
        var lease = new Lease(7);
        try (ChangeApplier session = sinks(f, lease).open(0)) {
            lease.lost.set(true);
            var ddl = new StatementReplay.Replay("CREATE TABLE u (id INT PRIMARY KEY)", f.database, null, null);
            assertThatThrownBy(() -> session.barrier(ddl, Mark.at(new BinlogPosition("b.000001", 400, ""), null), List.of(0)))
                    .isInstanceOf(FerryException.class).hasMessage("lease lost");
        }
        assertThat(f.destinationLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '"
                + f.database + "' AND TABLE_NAME = 'u'")).isZero();
    }

    @Test
    void aNewOwnersBinlogReaderEndsThePreviousOwnersBinlogDumpOnTheSource() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
        long serverId = ServerIds.of("fenced-job", f.database, 1);
        BinlogPosition head = f.sourceHead();
        BinlogPosition from = new BinlogPosition(head.file(), head.offset(), "");
        try (BinlogStream previous = BinlogStream.open(f.source.connection(), serverId, from, false, "previous-owner")) {
            awaitEvent(previous);
            try (BinlogStream next = BinlogStream.open(f.source.connection(), serverId, from, false, "new-owner")) {
                awaitEvent(next);
                // The source ends the previous dump of the same server id at once (MariaDB), not after a timeout.
                long started = System.nanoTime();
                BinlogStream.Item item;
                do {
                    item = previous.poll(10_000);
                } while (item instanceof BinlogStream.Item.Received);
                assertThat(item).isNotNull().isNotInstanceOf(BinlogStream.Item.Received.class);
                assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(10));
                f.onSource("INSERT INTO t VALUES (1)");
                awaitEvent(next);
            }
        }
    }

    /** Waits for the stream to deliver an event (its rotation and format description come first). */
    private static void awaitEvent(BinlogStream stream) throws InterruptedException {
        BinlogStream.Item item = stream.poll(10_000);
        assertThat(item).isInstanceOf(BinlogStream.Item.Received.class);
    }

    @Test
    void aProgressTableOfAnOlderFerryGainsTheEpochColumn() {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
        try (Connection c = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
            ProgressTable.ensure(c);
            dev.ferry.engine.mysql.Sql.execute(c, "ALTER TABLE " + ProgressTable.QUALIFIED + " DROP COLUMN epoch");
            ProgressTable.ensure(c);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(f.destinationLong("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ferry' "
                + "AND TABLE_NAME = 'replication_progress' AND COLUMN_NAME = 'epoch'")).isEqualTo(1);
    }

    @Test
    void jobsPromotedAtTheSameMomentEachRemoveTheirRowsAndTheLastOneDropsTheTable() throws Exception {
        var f = ReplicationFixture.create(source, destination, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB");
        int jobs = 3;
        for (int round = 0; round < 20; round++) {
            try (Connection c = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
                ProgressTable.ensure(c);
                dev.ferry.engine.mysql.Sql.execute(c, "DELETE FROM " + ProgressTable.QUALIFIED); // earlier tests' jobs
                for (int j = 0; j < jobs; j++) {
                    ProgressTable.writePending(c, "job-" + j, f.database, java.util.List.of(0), 7, START, null);
                }
            }
            var start = new java.util.concurrent.CountDownLatch(1);
            var results = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int j = 0; j < jobs; j++) {
                    String job = "job-" + j;
                    results.add(pool.submit(() -> {
                        try (Connection c = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
                            start.await();
                            ProgressTable.requireEpoch(c, job, f.database, null, 7, "test");
                            return ProgressTable.remove(c, job, f.database);
                        }
                    }));
                }
                start.countDown();
                for (var result : results) {
                    assertThat(result.get()).isNotBlank(); // throws if a removal failed
                }
            }
            assertThat(f.destinationLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ferry' "
                    + "AND TABLE_NAME = 'replication_progress'")).as("round %d", round).isZero();
        }
    }

    private static BinlogChangeSinks sinks(ReplicationFixture f, Fence fence) {
        return BinlogChangeSinks.open(ReplicationFixture.CONNECTOR, f.destination, "fenced-job", f.database,
                new DivergenceGate(DivergencePolicy.FAIL, new RecordingListener()), START, fence);
    }

    private static TableDef table(ReplicationFixture f, String name) {
        try (Connection c = ReplicationFixture.CONNECTOR.open(f.destination, null, MySqlConnector.Role.DESTINATION)) {
            return new DestinationCatalog(c, f.destination).table(new TableRef(f.database, name)).orElseThrow();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BinlogChange insert(TableDef t, int id) {
        return BinlogChange.of(t, TYPES, Op.INSERT, null, ALL, null, new Serializable[] {id, id}, "test");
    }
}
