package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spi.engine.Fence;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.testkit.LocalPostgres;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's new owner takes its slot from the WAL sender of the previous owner, which may be frozen with its connection
 * still open (the source would end that sender only after wal_sender_timeout, 60 s by default): the new owner ends that
 * sender, and only that one, and streams within seconds. A node that lost the job never ends its new owner's sender.
 */
@Timeout(120)
class SlotTakeoverIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    /** A lease with an epoch that can be lost. */
    private record Lease(long epoch, AtomicBoolean lost) implements Fence {
        Lease(long epoch) {
            this(epoch, new AtomicBoolean());
        }

        @Override
        public void check() {
            if (lost.get()) {
                throw new FerryException(ErrorCode.FAILED_PRECONDITION, "lease lost: epoch " + epoch);
            }
        }
    }

    @Test
    void aNewOwnerEndsTheFrozenPreviousOwnersWalSenderAndStreamsWithinSeconds() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE t (id int PRIMARY KEY)")) {
            // The previous owner's stream: open on the job's slot, never read again, as by a frozen process.
            var stale = new Lease(1);
            SlotStream frozen = SlotStream.open(f.source.connection(), f.slot(), ReplicationNames.publication(f.job),
                    ((dev.ferry.core.model.Position.PgLsn) f.request.start()).value());
            try {
                long frozenPid = activePid(f);
                assertThat(frozenPid).isPositive();
                stale.lost().set(true);

                var owner = new Lease(2);
                var recorder = new CdcFixture.Recorder();
                long started = System.nanoTime();
                try (PgReplication replication = (PgReplication) new PostgresEngine().openReplication(f.request.withFence(owner))) {
                    var running = CdcFixture.Background.start(replication, recorder);
                    f.source.execute("INSERT INTO t VALUES (1)");
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> (Long) f.destinationValue("SELECT count(*) FROM t") == 1L);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
                    long ownerPid = activePid(f);
                    assertThat(ownerPid).isPositive().isNotEqualTo(frozenPid);
                    assertThat(f.source.query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + frozenPid).getFirst().getFirst())
                            .isEqualTo(0L);
                    assertThat(recorder.notices).anySatisfy(n -> assertThat(n).contains("Ended the WAL sender (process "
                            + frozenPid).contains(f.slot()));

                    // The node that lost the job starts again (it woke up): it does not end the new owner's sender.
                    try (PgReplication late = (PgReplication) new PostgresEngine().openReplication(f.request.withFence(stale))) {
                        var lateRun = CdcFixture.Background.start(late, new CdcFixture.Recorder());
                        assertThat(lateRun.failure()).hasStackTraceContaining("lease lost: epoch 1");
                    }
                    assertThat(activePid(f)).isEqualTo(ownerPid);
                    f.source.execute("INSERT INTO t VALUES (2)");
                    await().atMost(Duration.ofSeconds(20)).until(() -> (Long) f.destinationValue("SELECT count(*) FROM t") == 2L);
                    assertThat(f.destinationValue("SELECT min(epoch) FROM ferry.replication_progress WHERE job = '" + f.job + "'"))
                            .isEqualTo(2L);
                    running.thread().interrupt();
                    running.failure();
                }
            } finally {
                frozen.close();
            }
        }
    }

    private static long activePid(CdcFixture f) {
        Object pid = f.source.query("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = '"
                + f.slot() + "'").getFirst().getFirst();
        return ((Number) pid).longValue();
    }
}
