package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.testkit.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Interrupted replication resumes exactly where the destination is; an idle source does not pin WAL. */
@Timeout(120)
class PgReplicationRecoveryIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    @Test
    void anInterruptedReplicationResumesWithNothingLostOrAppliedTwice() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE counters (id int PRIMARY KEY, n bigint NOT NULL)",
                "CREATE TABLE events (id bigint PRIMARY KEY, counter int, at timestamptz DEFAULT now())")) {
            f.source.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(1, 50) g");
            var stopWriting = new AtomicBoolean();
            var written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(f, stopWriting, written));

            var recorder = new CdcFixture.Recorder();
            try (PgReplication first = f.open()) {
                var running = CdcFixture.Background.start(first, recorder);
                await().atMost(Duration.ofSeconds(30)).until(() -> recorder.applied.size() >= 5 && recorder.rows("events") > 200);
                running.thread().interrupt();
                assertThat(running.failure()).isInstanceOf(InterruptedException.class);
            }
            long appliedAtInterrupt = ((PgLsn) recorder.applied.getLast()).value();
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 2 * recorder.rows("events") + 500);
            stopWriting.set(true);
            writer.get(30, TimeUnit.SECONDS);

            var second = new CdcFixture.Recorder();
            try (PgReplication resumed = f.open()) {
                assertThat(((PgLsn) resumed.applied()).value()).isGreaterThanOrEqualTo(appliedAtInterrupt);
                resumed.stopAt(resumed.sourceHead());
                resumed.run(second);
            }

            assertThat(f.destinationValue("SELECT count(*) FROM events")).isEqualTo(written.get());
            assertThat(f.destinationValue("SELECT sum(n) FROM counters")).isEqualTo(java.math.BigDecimal.valueOf(written.get()));
            assertThat(f.destinationHashes("counters", "events")).isEqualTo(f.sourceHashes("counters", "events"));
        }
    }

    @Test
    void whenIdleTheLagDropsToZeroAndTheSlotKeepsConfirming() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE quiet (id int PRIMARY KEY)")) {
            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = f.open()) {
                var running = CdcFixture.Background.start(replication, recorder);
                f.source.execute("INSERT INTO quiet VALUES (1)");
                await().atMost(Duration.ofSeconds(30)).until(() -> recorder.rows("quiet") == 1);
                long reports = recorder.lagReports.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lagReports.get() > reports + 1
                        && Duration.ZERO.equals(recorder.lastLag.get()));

                long confirmed = confirmedFlush(f);
                f.source.execute("CREATE TABLE unrelated (x int)", "SELECT pg_logical_emit_message(false, 'ferry-test', 'x')");
                await().atMost(Duration.ofSeconds(30)).until(() -> confirmedFlush(f) > confirmed);
                assertThat(((PgLsn) replication.applied()).value()).isGreaterThan(confirmed);

                replication.stopAt(replication.sourceHead());
                running.await();
            }
            assertThat(f.destinationValue("SELECT count(*) FROM quiet")).isEqualTo(1L);
        }
    }

    private static long confirmedFlush(CdcFixture f) {
        return ((Number) f.source.query("SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots "
                + "WHERE slot_name = '" + f.slot() + "'").getFirst().getFirst()).longValue();
    }

    /** Small transactions: bump a counter and log an event, until told to stop. */
    private static void write(CdcFixture f, AtomicBoolean stop, AtomicLong written) {
        try (Connection c = f.source.open();
                PreparedStatement bump = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?");
                PreparedStatement event = c.prepareStatement("INSERT INTO events (id, counter) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            for (long i = 1; !stop.get() && i <= 200_000; i++) {
                int counter = (int) (i % 50) + 1;
                bump.setInt(1, counter);
                bump.executeUpdate();
                event.setLong(1, i);
                event.setInt(2, counter);
                event.executeUpdate();
                c.commit();
                written.set(i);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }
}
