package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.job.JobRequest;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ALTER TABLE ... ADD COLUMN and CREATE INDEX on a MariaDB table while Ferry copies it: the DDL and the application's
 * next query go through promptly (Ferry's snapshot transactions give way), and the job ends with the destination
 * equal to the source, new column and index included. The copy is slowed by the job's read cap so that it is still
 * running when the statements come.
 */
class YieldToDdlMariaDbIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    /** About 2 MB/s: the ledger (about 30 MB) takes several seconds to copy. */
    private static final ReliabilityConfig SLOW_READS = new ReliabilityConfig(null, null, null, null, null, null, 2_000_000L);

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    private static TestDatabase ledger() {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2), "
                        + "memo VARCHAR(200))",
                "INSERT INTO ledger (account, amount, memo) SELECT seq % 1000, seq / 100, repeat(md5(seq), 3) "
                        + "FROM seq_1_to_200000",
                "CREATE TABLE branch (id INT PRIMARY KEY, name VARCHAR(40))",
                "INSERT INTO branch SELECT seq, concat('b', seq) FROM seq_1_to_50");
        return db;
    }

    private void create(String name, JobType type) {
        ferry.control().jobs().create(new JobRequest(name, null, null, type, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2), false, SLOW_READS), null);
    }

    private static void changeSchemaWhileCopying(InProcessFerry ferry, String job, TestDatabase db) throws Exception {
        DdlDuringCopy.awaitCopying(ferry, job, "ledger");
        DdlDuringCopy.completesPromptly(db, "ALTER TABLE ledger ADD COLUMN flag TINYINT NOT NULL DEFAULT 1");
        DdlDuringCopy.completesPromptly(db, "UPDATE ledger SET amount = amount + 1 WHERE id = 7");
        // The copy starts over from a new point; the index comes while that second copy holds the table.
        DdlDuringCopy.awaitYields(ferry, job, 1);
        DdlDuringCopy.awaitCopying(ferry, job, "ledger", Duration.ofSeconds(3));
        DdlDuringCopy.completesPromptly(db, "CREATE INDEX ledger_account ON ledger (account)");
        DdlDuringCopy.completesPromptly(db, "SELECT COUNT(*) FROM ledger WHERE account = 3");
    }

    private static void assertNewDefinition(DatabaseConnection dst, String database) throws Exception {
        assertThat(Sql.one(dst, database, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
                + " AND TABLE_NAME = 'ledger' AND COLUMN_NAME = 'flag'")).isEqualTo("1");
        assertThat(Sql.one(dst, database, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
                + " AND TABLE_NAME = 'ledger' AND INDEX_NAME = 'ledger_account'")).isEqualTo("1");
    }

    @Test
    @Timeout(300)
    void oneTimeJobLetsDdlThroughAndCopiesTheTableAgainWithItsNewDefinition() throws Exception {
        TestDatabase db = ledger();
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        create("yield-maria", JobType.ONE_TIME);

        ferry.control().jobs().start("yield-maria", false, null);
        changeSchemaWhileCopying(ferry, "yield-maria", db);
        var job = ferry.awaitEnd("yield-maria", Duration.ofSeconds(200));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertNewDefinition(destination.superuser(), db.name());
        DdlDuringCopy.assertSameContent(db.connection(), destination.superuser(), db.name(),
                List.of(new TableRef(db.name(), "ledger"), new TableRef(db.name(), "branch")));
        assertThat(DdlDuringCopy.yields(ferry, "yield-maria")).as("the copy gave way to both statements").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Timeout(300)
    void continuousJobLetsDdlThroughAndStaysExact() throws Exception {
        TestDatabase db = ledger();
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        create("yield-maria-cdc", JobType.CONTINUOUS);
        var stop = new AtomicBoolean();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO ledger (account, amount, memo) VALUES (?, 1, 'w')");
                    PreparedStatement update = c.prepareStatement("UPDATE ledger SET amount = amount + 1 WHERE id = ?")) {
                for (long i = 1; !stop.get(); i++) {
                    insert.setLong(1, i % 1000);
                    insert.executeUpdate();
                    update.setLong(1, 1 + (i * 7919) % 200_000);
                    update.executeUpdate();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        ferry.control().jobs().start("yield-maria-cdc", false, null);
        changeSchemaWhileCopying(ferry, "yield-maria-cdc", db);
        await().atMost(Duration.ofSeconds(200)).until(() -> {
            var job = ferry.control().jobs().get("yield-maria-cdc");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
        stop.set(true);
        writer.join();
        ferry.control().jobs().promote("yield-maria-cdc", null);
        var job = ferry.awaitJob("yield-maria-cdc", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(120));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertNewDefinition(destination.superuser(), db.name());
        DdlDuringCopy.assertSameContent(db.connection(), destination.superuser(), db.name(),
                List.of(new TableRef(db.name(), "ledger"), new TableRef(db.name(), "branch")));
    }
}
