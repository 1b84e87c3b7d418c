package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.job.JobRequest;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CONTINUOUS PostgreSQL job under a concurrent writer, with its own number of apply partitions, through promotion,
 * then equality on both sides.
 */
class ContinuousPostgresMigrationIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    /** Random inserts, updates (TOASTed column changed or not) and deletes until told to stop. */
    private static Thread writer(TestDatabase db, AtomicBoolean stop, AtomicLong writes) {
        return Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO account (owner, balance, doc, big) VALUES (?, ?, ?::jsonb, repeat(md5(?), 400))");
                    PreparedStatement update = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                    PreparedStatement updateBig = c.prepareStatement("UPDATE account SET big = repeat(md5(?), 300) WHERE id = ?");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM account WHERE id = ?")) {
                var random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    int op = random.nextInt(10);
                    long id = 1 + random.nextLong(3000);
                    if (op < 4) {
                        insert.setString(1, "o" + id);
                        insert.setLong(2, id);
                        insert.setString(3, "{\"k\": " + id + "}");
                        insert.setString(4, "x" + id);
                        insert.executeUpdate();
                    } else if (op < 8) {
                        update.setLong(1, random.nextLong(100));
                        update.setLong(2, id);
                        update.executeUpdate();
                    } else if (op < 9) {
                        updateBig.setString(1, "y" + id);
                        updateBig.setLong(2, id);
                        updateBig.executeUpdate();
                    } else {
                        delete.setLong(1, id);
                        delete.executeUpdate();
                    }
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    @Timeout(300)
    void continuousJobFollowsAConcurrentWriterAndPromotesToAnIdenticalDestination() throws Exception {
        TestDatabase bank = pg.freshDatabase();
        bank.execute("CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2), doc jsonb, "
                        + "big text, created timestamptz DEFAULT now())",
                "CREATE TABLE audit (id int PRIMARY KEY, note text)",
                "INSERT INTO account (owner, balance, doc, big) SELECT 'o' || g, g, jsonb_build_object('k', g), "
                        + "repeat(md5(g::text), 400) FROM generate_series(1, 3000) g",
                "INSERT INTO audit SELECT g, 'n' || g FROM generate_series(1, 100) g");
        ferry.profile("src", bank.connection());
        ferry.profile("dst", destination.superuser());
        ferry.control().jobs().create(new JobRequest("follow", null, null, JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2, 3)), null);
        assertThat(ferry.control().jobs().get("follow").performanceConfig().applyPartitions()).isEqualTo(3);
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = writer(bank, stop, writes);

        ferry.control().jobs().start("follow", false, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var job = ferry.control().jobs().get("follow");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
        // The job's apply partitions reach the replication it starts (the runner says so as it hands them over).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ferry.control().jobs().events("follow", 1000))
                .extracting(JobEvent::message).anyMatch(m -> m.startsWith("Change replication of " + bank.name()
                        + " starts with 3 apply partitions (performanceConfig.applyPartitions)")));
        long before = writes.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > before + 500);
        bank.execute("TRUNCATE audit", "INSERT INTO audit VALUES (1, 'after truncate')");
        stop.set(true);
        writer.join();
        var promote = ferry.control().jobs().promote("follow", null);
        var job = ferry.awaitJob("follow", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(120));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(ferry.control().jobs().pipeline("follow")).as("no pipeline once replication ended").isEmpty();
        assertThat(ferry.control().operations().get(promote.name()).done()).isTrue();
        DatabaseConnection dst = destination.superuser();
        for (String table : Sql.pgTables(bank.connection(), bank.name())) {
            assertThat(Sql.pgTableHash(dst, bank.name(), table)).as(table)
                    .isEqualTo(Sql.pgTableHash(bank.connection(), bank.name(), table));
        }
        assertThat(Sql.one(dst, bank.name(), "SELECT last_value FROM account_id_seq"))
                .isEqualTo(Sql.one(bank.connection(), bank.name(), "SELECT last_value FROM account_id_seq"));
        assertThat(Sql.one(bank.connection(), bank.name(), "SELECT count(*) FROM pg_replication_slots"
                + " WHERE slot_name LIKE 'ferry%follow%'")).isEqualTo("0");
        assertThat(Sql.one(dst, bank.name(), "SELECT current_setting('default_transaction_read_only')")).isEqualTo("off");
    }
}
