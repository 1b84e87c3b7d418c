package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobHealth;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.testkit.FaultProxy;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, stalls on MariaDB: a destination that stops taking bytes in the middle of a LOAD DATA (a stalled
 * network, a hung server) blocks the driver's writes, which have no socket timeout. The job must notice within its
 * stall timeout (it shows RECONNECTING instead of hanging), stay RUNNING, and complete equal once traffic flows.
 */
class StalledDestinationMariaDbIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    @Test
    @Timeout(300)
    void aLoadIntoAStalledDestinationIsNoticedWithinTheStallTimeoutAndCompletesAfterwards() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE ledger (id BIGINT PRIMARY KEY, note TEXT NOT NULL)",
                "INSERT INTO ledger SELECT seq, repeat(md5(seq), 4) FROM seq_1_to_200000");
        // Slow reads keep the load going; a 5 s stall timeout keeps the test short.
        var settings = new ReliabilityConfig(null, Duration.ofSeconds(5), null, null, null, null, 3_000_000L);
        try (InProcessFerry ferry = InProcessFerry.start(); FaultProxy toDestination = FaultProxy.to(destination.superuser())) {
            ferry.profile("src", db.connection());
            ferry.profile("dst", toDestination.through(destination.superuser()));
            ferry.job("stall", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL, settings);
            ferry.control().jobs().start("stall", false, null);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> ferry.control().jobs()
                    .objects("stall").stream().anyMatch(o -> o.table().table().equals("ledger") && o.rowsCopied() > 0));

            toDestination.stallFor(Duration.ofMinutes(4));
            long stalled = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                MigrationJob job = ferry.control().jobs().get("stall");
                assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.RUNNING);
                return ferry.control().jobs().health("stall").map(JobHealth::status).orElse(null) == HealthStatus.RECONNECTING;
            });
            Duration noticed = Duration.ofNanos(System.nanoTime() - stalled);
            assertThat(noticed).as("the stalled load is noticed within the stall timeout, with a margin")
                    .isLessThan(Duration.ofSeconds(45));

            toDestination.heal();
            MigrationJob done = ferry.awaitEnd("stall", Duration.ofSeconds(200));
            assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
            assertThat(ferry.control().jobs().objects("stall")).extracting(JobObject::table).isNotEmpty();
        }
        var engine = EngineRegistry.load().get(db.connection().engine());
        List<TableRef> tables = List.of(new TableRef(db.name(), "ledger"));
        assertThat(engine.contentHashes(destination.superuser(), db.name(), tables))
                .isEqualTo(engine.contentHashes(db.connection(), db.name(), tables));
    }
}
