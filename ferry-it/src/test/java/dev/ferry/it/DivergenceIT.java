package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, "never diverge silently", through the job runner: a row deleted on the destination behind Ferry's back
 * and then updated on the source fails a continuous job with DIVERGED, or, with onDivergence: RECORD, leaves a
 * WARNING event and the job running to an identical destination.
 */
class DivergenceIT {
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

    @Test
    @Timeout(180)
    void aContinuousJobFailsWithDivergedWhenTheDestinationLostARowTheSourceUpdates() throws Exception {
        TestDatabase shop = replicating("diverge", ReliabilityConfig.DEFAULT);
        DatabaseConnection dst = destination.superuser();
        Sql.execute(dst, shop.name(), "SET default_transaction_read_only = off", "DELETE FROM customer WHERE id = 42");
        shop.execute("UPDATE customer SET email = 'changed@example.com' WHERE id = 42");

        var job = ferry.awaitJob("diverge", EnumSet.of(JobState.FAILED), Duration.ofSeconds(60));

        assertThat(job.error().code()).isEqualTo(ErrorCode.DIVERGED);
        assertThat(job.error().message()).contains(shop.name(), "public.customer", "UPDATE", "key (id)=(42)", "LSN ")
                .doesNotContain("example.com");
    }

    @Test
    @Timeout(180)
    void underRecordTheJobWarnsKeepsReplicatingAndPromotesToAnIdenticalDestination() throws Exception {
        ReliabilityConfig record = new ReliabilityConfig(null, null, null, null, DivergencePolicy.RECORD, null, null);
        TestDatabase shop = replicating("record", record);
        DatabaseConnection dst = destination.superuser();
        Sql.execute(dst, shop.name(), "SET default_transaction_read_only = off", "DELETE FROM customer WHERE id = 42");
        shop.execute("UPDATE customer SET email = 'changed@example.com' WHERE id = 42",
                "INSERT INTO customer VALUES (5000, 'late@example.com')");

        await().atMost(Duration.ofSeconds(60)).until(() -> ferry.control().jobs().events("record", 100).stream()
                .anyMatch(e -> e.severity() == Severity.WARNING && e.message().contains("diverged")
                        && e.message().contains("(id)=(42)")));
        assertThat(ferry.control().jobs().get("record").state()).isEqualTo(JobState.RUNNING);
        ferry.control().jobs().promote("record", null);
        var job = ferry.awaitJob("record", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(120));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(Sql.pgTableHash(dst, shop.name(), "public.customer"))
                .isEqualTo(Sql.pgTableHash(shop.connection(), shop.name(), "public.customer"));
    }

    /** A source with one table and a continuous job {@code name} on it, started and replicating. */
    private TestDatabase replicating(String name, ReliabilityConfig reliability) {
        TestDatabase shop = pg.freshDatabase();
        shop.execute("CREATE TABLE customer (id int PRIMARY KEY, email text)",
                "INSERT INTO customer SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 100) g");
        ferry.profile("src-" + name, shop.connection());
        ferry.profile("dst-" + name, destination.superuser());
        ferry.job(name, JobType.CONTINUOUS, "src-" + name, "dst-" + name, ObjectsConfig.ALL, reliability);
        ferry.control().jobs().start(name, false, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var job = ferry.control().jobs().get(name);
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
        return shop;
    }
}
