package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.SmallDisk;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, Ferry's own home on a full disk while a continuous job replicates: the job's run fails on its next
 * checkpoint with the store's clear message, recorded as soon as there is space again (not left RUNNING without a
 * runner), nothing in the store is corrupt, and {@code resume} carries the job on to an equal destination. Needs
 * root (a tmpfs of its own for the home); skipped otherwise.
 */
class HomeDiskFullIT {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HomeDiskFullIT.class);

    @RegisterExtension
    static final LocalPostgres source = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @Test
    @Timeout(600)
    void aJobWhoseHomeFillsFailsClearlyAndResumesOnceThereIsSpace() throws Exception {
        Optional<SmallDisk> mounted = SmallDisk.mount(24, null);
        Assumptions.assumeTrue(mounted.isPresent(), "needs root and mount (tmpfs) for a small disk");
        try (SmallDisk disk = mounted.get()) {
            TestDatabase db = source.freshDatabase();
            db.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, note text NOT NULL)",
                    "INSERT INTO ledger SELECT g, md5(g::text) FROM generate_series(1, 2000) g");
            InProcessFerry ferry = InProcessFerry.startIn(disk.path().resolve("home"));
            Path filler = null;
            try {
                ferry.profile("src", db.connection());
                ferry.profile("dst", destination.superuser());
                ferry.job("home", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);
                ferry.control().jobs().start("home", false, null);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> ferry.control().jobs().get("home").phase() == Phase.READY_FOR_PROMOTE);

                filler = disk.fill("filler");
                // Changes to replicate: the job's next progress or lag checkpoint hits the full disk.
                db.execute("INSERT INTO ledger SELECT g, md5(g::text) FROM generate_series(2001, 4000) g");
                // The home stays full for a while: the job checkpoints its lag every second, so its run meets the
                // full disk meanwhile.
                var probes = new java.util.concurrent.atomic.AtomicInteger();
                await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> refusesWrites(ferry, probes.incrementAndGet()));
                Files.delete(filler);
                filler = null;

                MigrationJob failed = ferry.awaitJob("home", EnumSet.of(JobState.FAILED), Duration.ofSeconds(60));
                assertThat(failed.error().message()).contains("The metadata store").contains("the disk holding it is full");

                assertThat(ferry.control().profiles().list()).extracting(p -> p.name()).containsOnly("src", "dst");
                ferry.control().jobs().resume("home", true, null);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .conditionEvaluationListener(c -> {
                            if (c.getRemainingTimeInMS() < 300) {
                                ferry.control().jobs().events("home", 30).forEach(e -> log.atInfo()
                                        .addKeyValue("event", e.message()).log("job event"));
                                log.atInfo().addKeyValue("health", ferry.control().jobs().health("home"))
                                        .addKeyValue("lag", ferry.control().jobs().lag("home"))
                                        .addKeyValue("job", ferry.control().jobs().get("home"))
                                        .addKeyValue("rows", rows(db.name())).log("job health");
                            }
                        }).until(() -> {
                            MigrationJob job = ferry.control().jobs().get("home");
                            assertThat(job.state()).as("error: %s", job.error()).isIn(JobState.RESUMING, JobState.RUNNING);
                            return job.phase() == Phase.READY_FOR_PROMOTE && "4000".equals(
                                    Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM ledger"));
                        });
                ferry.control().jobs().promote("home", null);
                MigrationJob done = ferry.awaitJob("home", EnumSet.of(JobState.COMPLETED, JobState.FAILED),
                        Duration.ofSeconds(180));
                assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
                List<String> tables = Sql.pgTables(db.connection(), db.name());
                for (String table : tables) {
                    assertThat(Sql.pgTableHash(destination.superuser(), db.name(), table)).as(table)
                            .isEqualTo(Sql.pgTableHash(db.connection(), db.name(), table));
                }
            } finally {
                // Closing deletes the job, a write: with the disk still full it would hide why the test failed.
                if (filler != null) {
                    Files.deleteIfExists(filler);
                }
                ferry.close();
            }
        }
    }

    /** Whether the store refuses a write (its disk is full); a write that succeeds is undone. */
    private static boolean refusesWrites(InProcessFerry ferry, int n) {
        String name = "probe-" + n;
        try {
            ferry.profile(name, destination.superuser());
            // The embedded store may fit a small write in free pages of its own file while the disk is full, and
            // then refuse the next one: the probe's deletion is a write too.
            ferry.control().profiles().delete(name, false, null);
        } catch (dev.ferry.core.FerryException e) {
            return e.getMessage().startsWith("The metadata store");
        }
        return false;
    }

    private static String rows(String database) {
        try {
            return Sql.one(destination.superuser(), database, "SELECT count(*) FROM ledger");
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
    }
}
