package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.cdc.Mark;
import dev.ferry.core.fault.DivergenceGate;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fencing of apply commits: the destination's progress row carries the lease epoch of the node applying, and a commit
 * under an older epoch than the one recorded is refused, changes and all. A new owner's claim of the rows waits for a
 * commit of the old owner in flight, and resumes after it.
 */
@Timeout(60)
class ProgressFencingIT {
    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    @Test
    void aCommitUnderAnOlderEpochIsRefusedAndWritesNothing() throws Exception {
        TestDatabase db = dest.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        try (Connection c = db.open()) {
            ProgressTable.ensure(c);
            c.setAutoCommit(false);
            var upsert = ProgressTable.prepareWrite(c);
            ProgressTable.write(upsert, "j", 5, List.of(0, 1), new Mark<>(PgLsn.parseLsn("0/100"), null, null, 0));
            c.commit();
            // The node that lost the job (epoch 4) applies a change and tries to record its position with it.
            c.createStatement().execute("INSERT INTO t VALUES (1)");
            assertThatThrownBy(() -> ProgressTable.write(upsert, "j", 4, List.of(0),
                    new Mark<>(PgLsn.parseLsn("0/200"), null, null, 0)))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(ProgressTable.FENCED))
                    .hasMessageContaining("lease epoch 4");
            c.rollback();
            // The newer owner (epoch 5, or a later one) goes on.
            ProgressTable.write(upsert, "j", 6, List.of(0, 1), new Mark<>(PgLsn.parseLsn("0/300"), null, null, 0));
            c.commit();
            assertThat(ProgressTable.read(c, "j").get(0).applied()).isEqualTo(PgLsn.parseLsn("0/300"));
        }
        assertThat(db.queryLong("SELECT count(*) FROM t")).isZero();
        assertThat(db.queryLong("SELECT min(epoch) FROM ferry.replication_progress WHERE job = 'j'")).isEqualTo(6L);
    }

    @Test
    void aNewOwnersClaimFencesEveryRowOfTheOldOwnerAndAnOlderClaimIsRefused() throws Exception {
        TestDatabase db = dest.freshDatabase();
        try (Connection c = db.open()) {
            ProgressTable.claim(c, "j", 3); // no table yet: nothing to claim
            ProgressTable.ensure(c);
            c.setAutoCommit(false);
            var upsert = ProgressTable.prepareWrite(c);
            ProgressTable.write(upsert, "j", 3, List.of(0, 1, 2), new Mark<>(PgLsn.parseLsn("0/100"), null, null, 0));
            ProgressTable.write(upsert, "other", 1, List.of(0), new Mark<>(PgLsn.parseLsn("0/100"), null, null, 0));
            c.commit();
            c.setAutoCommit(true);
            // The new owner (epoch 5) claims before it applied anything: the old owner's next commit, on any partition
            // (partition 3 has no row yet), is refused.
            ProgressTable.claim(c, "j", 5);
            c.setAutoCommit(false);
            for (int part = 0; part < 4; part++) {
                List<Integer> partition = List.of(part);
                assertThatThrownBy(() -> ProgressTable.write(upsert, "j", 3, partition,
                        new Mark<>(PgLsn.parseLsn("0/200"), null, null, 0)))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(ProgressTable.FENCED));
                c.rollback();
            }
            c.setAutoCommit(true);
            // The old owner, resuming, cannot claim the rows back.
            assertThatThrownBy(() -> ProgressTable.claim(c, "j", 4))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(ProgressTable.FENCED))
                    .hasMessageContaining("lease epoch 4").hasMessageContaining("epoch 5");
            assertThat(c.getAutoCommit()).isTrue();
        }
        assertThat(db.queryLong("SELECT count(*) FROM ferry.replication_progress WHERE job = 'j' AND epoch = 5")).isEqualTo(3L);
        assertThat(db.queryLong("SELECT epoch FROM ferry.replication_progress WHERE job = 'other'")).isEqualTo(1L);
        assertThat(db.queryLong("SELECT count(*) FROM ferry.replication_progress WHERE lsn = '0/200'")).isZero();
    }

    @Test
    void aNewOwnersClaimWaitsForTheOldOwnersCommitInFlightAndResumesAfterIt() throws Exception {
        TestDatabase db = dest.freshDatabase();
        var sinks = new PgChangeSinks(db.connection(), db.connection(), "j", epoch(5),
                new DivergenceGate(ReliabilityConfig.DEFAULT.effectiveOnDivergence(), new CdcFixture.Recorder()),
                new CdcFixture.Recorder());
        ExecutorService newOwner = Executors.newSingleThreadExecutor();
        try (Connection old = db.open()) {
            ProgressTable.ensure(old);
            old.setAutoCommit(false);
            var upsert = ProgressTable.prepareWrite(old);
            ProgressTable.write(upsert, "j", 3, List.of(0, 1), new Mark<>(PgLsn.parseLsn("0/100"), null, null, 0));
            old.commit();
            // The old owner (epoch 3) is inside a commit: its changes and position are written, not yet committed.
            ProgressTable.write(upsert, "j", 3, List.of(0, 1), new Mark<>(PgLsn.parseLsn("0/200"), null, null, 0));
            Future<Map<Integer, Mark<PgLsn>>> resumed = newOwner.submit(sinks::recorded);
            // The new owner waits for it, past one lock timeout of its claim, instead of reading the older position.
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10)).until(() -> !resumed.isDone());
            old.commit();
            Map<Integer, Mark<PgLsn>> marks = resumed.get(20, TimeUnit.SECONDS);
            assertThat(marks.values()).extracting(m -> m.applied()).containsOnly(PgLsn.parseLsn("0/200"));
        } finally {
            newOwner.shutdownNow();
        }
        assertThat(db.queryLong("SELECT count(*) FROM ferry.replication_progress WHERE job = 'j' AND epoch = 5")).isEqualTo(2L);
    }

    @Test
    void aPreviousOwnerFrozenInsideAnApplyTransactionIsEndedAndItsUncommittedPositionIsNotResumedFrom() throws Exception {
        TestDatabase db = dest.freshDatabase();
        var sinks = new PgChangeSinks(db.connection(), db.connection(), "j", epoch(7),
                new DivergenceGate(ReliabilityConfig.DEFAULT.effectiveOnDivergence(), new CdcFixture.Recorder()),
                new CdcFixture.Recorder());
        try (Connection old = db.open()) {
            ProgressTable.ensure(old);
            old.setAutoCommit(false);
            var upsert = ProgressTable.prepareWrite(old);
            ProgressTable.write(upsert, "j", 3, List.of(0), new Mark<>(PgLsn.parseLsn("0/100"), null, null, 0));
            old.commit();
            // The old owner froze inside an apply transaction: its next position is written, never committed.
            ProgressTable.write(upsert, "j", 3, List.of(0), new Mark<>(PgLsn.parseLsn("0/200"), null, null, 0));
            Map<Integer, Mark<PgLsn>> marks = sinks.recorded();
            assertThat(marks.values()).extracting(m -> m.applied()).containsOnly(PgLsn.parseLsn("0/100"));
            assertThatThrownBy(old::commit).as("the frozen owner's session was ended").isInstanceOf(SQLException.class);
        }
        assertThat(db.queryLong("SELECT count(*) FROM ferry.replication_progress WHERE job = 'j' AND epoch = 7")).isEqualTo(1L);
    }

    @Test
    void aNewOwnersClaimEndsThePreviousOwnersApplySessionsHoldingRowLocksAndNoOtherSession() throws Exception {
        TestDatabase db = dest.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v int)", "INSERT INTO t VALUES (1, 0)");
        var gate = new DivergenceGate(ReliabilityConfig.DEFAULT.effectiveOnDivergence(), new CdcFixture.Recorder());
        var sinks = new PgChangeSinks(db.connection(), db.connection(), "j", epoch(5), gate, new CdcFixture.Recorder());
        try (ChangeApplier old = ChangeApplier.open(db.connection(), "j", 3, gate);
                ChangeApplier otherJob = ChangeApplier.open(db.connection(), "k", 2, gate);
                Connection user = db.open()) {
            // The previous owner (epoch 3) froze after applying a change to row 1, before it wrote its position:
            // it holds the row's lock and none on the progress rows. Another job's session and a user's session are
            // inside transactions too.
            old.connection().createStatement().execute("UPDATE t SET v = 3 WHERE id = 1");
            otherJob.connection().createStatement().execute("SELECT 1 FROM t");
            user.setAutoCommit(false);
            user.createStatement().execute("SELECT 1 FROM t");
            sinks.recorded();
            try (Connection next = db.open(); var st = next.createStatement()) {
                st.execute("SET lock_timeout = '5s'");
                assertThat(st.executeUpdate("UPDATE t SET v = 5 WHERE id = 1")).as("the row lock is gone").isEqualTo(1);
            }
            assertThatThrownBy(() -> old.connection().createStatement().execute("SELECT 1"))
                    .as("the previous owner's session was ended").isInstanceOf(SQLException.class);
            otherJob.connection().createStatement().execute("SELECT 1");
            user.createStatement().execute("SELECT 1");
            user.commit();
        }
        assertThat(db.queryLong("SELECT v FROM t WHERE id = 1")).isEqualTo(5L);
    }

    private static Fence epoch(long epoch) {
        return new Fence() {
            @Override
            public long epoch() {
                return epoch;
            }

            @Override
            public void check() {}
        };
    }

    @Test
    void aProgressTableOfAnOlderFerryGainsTheEpochColumn() throws Exception {
        TestDatabase db = dest.freshDatabase();
        db.execute("CREATE SCHEMA ferry", "CREATE TABLE ferry.replication_progress (job text NOT NULL, part int NOT NULL "
                + "DEFAULT 0, lsn pg_lsn NOT NULL, commit_time timestamptz, partial_txn text, partial_ordinal bigint NOT NULL "
                + "DEFAULT 0, updated timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (job, part))",
                "INSERT INTO ferry.replication_progress (job, part, lsn) VALUES ('old', 0, '0/10')");
        try (Connection c = db.open()) {
            ProgressTable.ensure(c);
        }
        assertThat(db.queryLong("SELECT epoch FROM ferry.replication_progress WHERE job = 'old'")).isZero();
    }
}
