package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobHealth;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.SmallDisk;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, disk full on a MariaDB destination: the destination database's directory is a link to a small disk
 * of its own (a 30 MB tmpfs), so the copy of a bigger table fills it. The job stays RUNNING with health PAUSED,
 * retrying by itself; once the disk grows it completes with the destination equal to the source. Needs root
 * (mount); skipped otherwise.
 */
class MariaDbDestinationDiskFullIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    /** A server of its own: a database directory of it lives on the small disk for the test. */
    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("disk-full-destination");

    private InProcessFerry ferry;
    private SmallDisk disk;
    private String database;

    @BeforeEach
    void start() {
        Optional<SmallDisk> mounted = SmallDisk.mount(30, "mysql");
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
                    // The tables go first (their files are on the small disk), then the link: the server cannot
                    // remove a mount point when it drops the database.
                    for (String table : Sql.column(destination.superuser(), "", "SELECT table_name FROM "
                            + "information_schema.tables WHERE table_schema = '" + database + "'")) {
                        Sql.execute(destination.superuser(), "", "DROP TABLE IF EXISTS `" + database + "`.`" + table + "`");
                    }
                    Path directory = destination.instance().dataDirectory().toRealPath().resolve(database);
                    if (Files.isSymbolicLink(directory)) {
                        Files.delete(directory);
                        Files.createDirectory(directory);
                        new ProcessBuilder("chown", "mysql:", directory.toString()).inheritIO().start().waitFor();
                    }
                    Sql.execute(destination.superuser(), "", "DROP DATABASE IF EXISTS `" + database + "`");
                }
            } finally {
                if (disk != null) {
                    disk.close();
                }
            }
        }
    }

    /** The destination database, created empty before the job, with its directory moved onto the small disk. */
    private void destinationOnSmallDisk(String name) throws Exception {
        database = name;
        Sql.execute(destination.superuser(), "", "CREATE DATABASE `" + name + "`");
        Path directory = destination.instance().dataDirectory().toRealPath().resolve(name);
        Files.copy(directory.resolve("db.opt"), disk.path().resolve("db.opt"));
        new ProcessBuilder("chown", "-R", "mysql:", disk.path().toString()).inheritIO().start().waitFor();
        Files.delete(directory.resolve("db.opt"));
        Files.delete(directory);
        Files.createSymbolicLink(directory, disk.path());
    }

    @Test
    @Timeout(600)
    void copyThatFillsTheDestinationDiskPausesAndCompletesOnceTheDiskGrows() throws Exception {
        TestDatabase db = source.freshDatabase();
        // About 60 MB of rows: twice the disk.
        db.execute("CREATE TABLE ledger (id BIGINT PRIMARY KEY, note TEXT NOT NULL)",
                "INSERT INTO ledger SELECT seq, repeat(md5(seq), 6) FROM seq_1_to_250000",
                "CREATE TABLE account (id INT PRIMARY KEY, owner VARCHAR(20))",
                "INSERT INTO account SELECT seq, concat('o', seq) FROM seq_1_to_1000");
        destinationOnSmallDisk(db.name());
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("fill-maria", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("fill-maria", false, null);
        var health = new AtomicReference<JobHealth>();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() -> {
            MigrationJob current = ferry.control().jobs().get("fill-maria");
            assertThat(current.state()).as("error: %s", current.error()).isEqualTo(JobState.RUNNING);
            ferry.control().jobs().health("fill-maria").ifPresent(health::set);
            return health.get() != null && health.get().status() == HealthStatus.PAUSED;
        });
        await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(250)).until(() -> {
            MigrationJob current = ferry.control().jobs().get("fill-maria");
            assertThat(current.state()).as("error: %s", current.error()).isEqualTo(JobState.RUNNING);
            return ferry.control().jobs().health("fill-maria").map(JobHealth::status).orElse(null) == HealthStatus.PAUSED;
        });

        disk.resize(300);
        MigrationJob done = ferry.awaitEnd("fill-maria", Duration.ofSeconds(240));

        assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
        var engine = EngineRegistry.load().get(db.connection().engine());
        List<TableRef> tables = List.of(new TableRef(db.name(), "ledger"), new TableRef(db.name(), "account"));
        assertThat(engine.countRows(destination.superuser(), db.name(), tables))
                .isEqualTo(engine.countRows(db.connection(), db.name(), tables));
        assertThat(engine.contentHashes(destination.superuser(), db.name(), tables))
                .isEqualTo(engine.contentHashes(db.connection(), db.name(), tables));
    }
}
