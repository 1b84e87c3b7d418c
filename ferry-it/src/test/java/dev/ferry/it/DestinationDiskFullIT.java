package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobHealth;
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
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Do no harm, disk full on the destination: the destination database lives in a tablespace on a small disk of its
 * own (a 30 MB tmpfs), so the copy of a bigger table, or the changes replicated later, fill it. The job must stay
 * RUNNING with health PAUSED and an event naming the full disk, retrying by itself; once the disk grows it
 * carries on and ends with the destination equal to the source. Needs root (mount); skipped otherwise.
 */
class DestinationDiskFullIT {
    private static final Logger log = LoggerFactory.getLogger(DestinationDiskFullIT.class);

    @RegisterExtension
    static final LocalPostgres source = LocalPostgres.shared();

    /** A server of its own: its tablespaces come and go with the small disks. */
    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("disk-full-destination");

    private InProcessFerry ferry;
    private SmallDisk disk;
    private String tablespace;
    private String database;

    @BeforeEach
    void start() {
        Optional<SmallDisk> mounted = SmallDisk.mount(30, "postgres");
        Assumptions.assumeTrue(mounted.isPresent(), "needs root and mount (tmpfs) for a small disk");
        disk = mounted.get();
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (ferry != null) {
                ferry.close();
            }
        } finally {
            try {
                if (database != null) {
                    Sql.execute(destination.superuser(), "postgres", "DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
                }
                if (tablespace != null) {
                    Sql.execute(destination.superuser(), "postgres", "DROP TABLESPACE IF EXISTS " + tablespace);
                }
            } finally {
                if (disk != null) {
                    disk.close();
                }
            }
        }
    }

    /**
     * The destination database, created empty before the job in a tablespace on the small disk: every table
     * Ferry creates there lands on it (pg_restore sets {@code default_tablespace = ''}, the database's own).
     */
    private void destinationOnSmallDisk(String name) throws Exception {
        tablespace = "small_disk_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        database = name;
        Sql.execute(destination.superuser(), "postgres",
                "CREATE TABLESPACE " + tablespace + " LOCATION '" + disk.path() + "'",
                "CREATE DATABASE \"" + name + "\" TABLESPACE " + tablespace);
    }

    @Test
    @Timeout(600)
    void copyThatFillsTheDestinationDiskPausesAndCompletesOnceTheDiskGrows() throws Exception {
        TestDatabase db = source.freshDatabase();
        // About 60 MB of rows: twice the disk.
        db.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO ledger SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 300000) g",
                "CREATE TABLE account (id int PRIMARY KEY, owner text)",
                "INSERT INTO account SELECT g, 'o' || g FROM generate_series(1, 1000) g");
        destinationOnSmallDisk(db.name());
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("fill", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("fill", false, null);
        JobHealth paused = awaitPaused("fill");
        assertThat(paused.lastError()).as("health names the disk").satisfies(DestinationDiskFullIT::namesFullDisk);
        assertThat(events("fill")).as("an event says the job is paused on the full disk")
                .anySatisfy(e -> assertThat(e.message()).contains("paused").satisfies(DestinationDiskFullIT::namesFullDisk));
        // It stays paused, retrying, for as long as the disk is full; never FAILED.
        stayPaused("fill", Duration.ofSeconds(20));

        disk.resize(300);
        MigrationJob done = ferry.awaitEnd("fill", Duration.ofSeconds(240));

        assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
        assertSameTables(db.connection(), db.name());
        assertThat(events("fill")).anySatisfy(e -> assertThat(e.message()).contains("working again"));
    }

    @Test
    @Timeout(600)
    void changesThatFillTheDestinationDiskPauseReplicationUntilThereIsSpace() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO ledger SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 2000) g");
        destinationOnSmallDisk(db.name());
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("fill-cdc", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);
        ferry.control().jobs().start("fill-cdc", false, null);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> ferry.control().jobs().get("fill-cdc").phase() == Phase.READY_FOR_PROMOTE);

        // What is left of the disk is taken by a file, then the source writes more than fits.
        Path filler = disk.fill("filler");
        db.execute("INSERT INTO ledger SELECT g, repeat(md5(g::text), 6) FROM generate_series(2001, 60000) g");
        JobHealth paused = awaitPaused("fill-cdc");
        assertThat(paused.lastError()).satisfies(DestinationDiskFullIT::namesFullDisk);
        stayPaused("fill-cdc", Duration.ofSeconds(20));

        Files.delete(filler);
        disk.resize(300);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
            MigrationJob job = ferry.control().jobs().get("fill-cdc");
            assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.RUNNING);
            return ferry.control().jobs().health("fill-cdc").map(JobHealth::isOk).orElse(true)
                    && "60000".equals(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM ledger"));
        });
        ferry.control().jobs().promote("fill-cdc", null);
        MigrationJob done = ferry.awaitJob("fill-cdc", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(180));

        assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
        assertSameTables(db.connection(), db.name());
    }

    private JobHealth awaitPaused(String job) {
        var health = new AtomicReference<JobHealth>();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> {
            MigrationJob current = ferry.control().jobs().get(job);
            assertThat(current.state()).as("error: %s", current.error()).isEqualTo(JobState.RUNNING);
            ferry.control().jobs().health(job).ifPresent(health::set);
            return health.get() != null && health.get().status() == HealthStatus.PAUSED;
        });
        log.atInfo().addKeyValue("job", job).addKeyValue("health", health.get()).log("job paused");
        return health.get();
    }

    /** The job stays RUNNING and PAUSED for {@code time}: it waits for the space, it neither fails nor gives up. */
    private void stayPaused(String job, Duration time) {
        await().during(time).atMost(time.plusSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            MigrationJob current = ferry.control().jobs().get(job);
            assertThat(current.state()).as("error: %s", current.error()).isEqualTo(JobState.RUNNING);
            return ferry.control().jobs().health(job).map(JobHealth::status).orElse(null) == HealthStatus.PAUSED;
        });
    }

    private List<JobEvent> events(String job) {
        return ferry.control().jobs().events(job, 1000);
    }

    private static void namesFullDisk(String text) {
        assertThat(text.toLowerCase(Locale.ROOT)).contains("the disk is full on postgresql at")
                .contains("free space there or grow the disk");
    }

    private static void assertSameTables(DatabaseConnection src, String name) throws Exception {
        List<String> tables = Sql.pgTables(src, name);
        assertThat(tables).isNotEmpty();
        assertThat(Sql.pgTables(destination.superuser(), name)).isEqualTo(tables);
        for (String table : tables) {
            assertThat(Sql.pgTableHash(destination.superuser(), name, table)).as(table)
                    .isEqualTo(Sql.pgTableHash(src, name, table));
        }
    }
}
