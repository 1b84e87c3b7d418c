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
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ALTER TABLE ... ADD COLUMN and CREATE INDEX on a PostgreSQL table while Ferry copies it: the DDL and the
 * application's next query go through promptly (the copy's transaction gives way and the table is read again from a
 * later point), and the job ends with the destination equal to the source, new column and index included. The copy
 * is slowed by the job's read cap so that it is still running when the statements come. A column added once a
 * continuous job replicates is added on the destination too.
 */
class YieldToDdlPostgresIT {
    @RegisterExtension
    static final LocalPostgres source = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    /** About 2 MB/s: the ledger (about 30 MB) takes several seconds to copy. */
    private static final ReliabilityConfig SLOW_READS = new ReliabilityConfig(null, null, null, null, null, null, 2_000_000L);

    private static final List<TableRef> TABLES = List.of(new TableRef("public", "ledger"), new TableRef("public", "branch"));

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
        db.execute("CREATE TABLE ledger (id serial PRIMARY KEY, account int NOT NULL, amount numeric(12,2), memo text)",
                "INSERT INTO ledger (account, amount, memo) SELECT g % 1000, g / 100.0, repeat(md5(g::text), 3) "
                        + "FROM generate_series(1, 200000) g",
                "CREATE TABLE branch (id int PRIMARY KEY, name text)",
                "INSERT INTO branch SELECT g, 'b' || g FROM generate_series(1, 50) g",
                "ANALYZE");
        return db;
    }

    private void create(String name, JobType type, ReliabilityConfig reliability) {
        ferry.control().jobs().create(new JobRequest(name, null, null, type, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2), false, reliability), null);
    }

    private static void changeSchemaWhileCopying(InProcessFerry ferry, String job, TestDatabase db) throws Exception {
        DdlDuringCopy.awaitCopying(ferry, job, "ledger");
        DdlDuringCopy.completesPromptly(db, "ALTER TABLE ledger ADD COLUMN flag int NOT NULL DEFAULT 1");
        DdlDuringCopy.completesPromptly(db, "UPDATE ledger SET amount = amount + 1 WHERE id = 7");
        // The copy starts over from a later point; the index comes while that second copy reads the table.
        DdlDuringCopy.awaitYields(ferry, job, 1);
        DdlDuringCopy.awaitCopying(ferry, job, "ledger", Duration.ofSeconds(1));
        DdlDuringCopy.completesPromptly(db, "CREATE INDEX ledger_account ON ledger (account)");
        DdlDuringCopy.completesPromptly(db, "SELECT count(*) FROM ledger WHERE account = 3");
        DdlDuringCopy.completesPromptly(db, "ALTER TABLE ledger ADD COLUMN note text DEFAULT 'n'");
        DdlDuringCopy.completesPromptly(db, "UPDATE ledger SET note = 'changed' WHERE id = 11");
    }

    private static void assertNewDefinition(DatabaseConnection dst, String database) throws Exception {
        assertThat(Sql.column(dst, database, "SELECT column_name FROM information_schema.columns "
                + "WHERE table_schema = 'public' AND table_name = 'ledger' ORDER BY ordinal_position"))
                .containsExactly("id", "account", "amount", "memo", "flag", "note");
        assertThat(Sql.one(dst, database, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                + "AND tablename = 'ledger' AND indexname IN ('ledger_account', 'ledger_pkey')")).isEqualTo("2");
    }

    @Test
    @Timeout(300)
    void oneTimeJobLetsDdlThroughAndCopiesTheTableAgainWithItsNewDefinition() throws Exception {
        TestDatabase db = ledger();
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        db.execute("CREATE FUNCTION ledger_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
        create("yield-pg", JobType.ONE_TIME, SLOW_READS);

        ferry.control().jobs().start("yield-pg", false, null);
        DdlDuringCopy.awaitCopying(ferry, "yield-pg", "ledger");
        // A trigger (its lock does not conflict with the copy's) and a check (it waits for the copy, which gives
        // way): both are made after the snapshot, and the table read again later must have them on the destination.
        DdlDuringCopy.completesPromptly(db, "CREATE TRIGGER ledger_touch BEFORE UPDATE ON ledger FOR EACH ROW "
                + "EXECUTE FUNCTION ledger_touch()");
        DdlDuringCopy.completesPromptly(db, "ALTER TABLE ledger ADD CONSTRAINT amount_sane CHECK (amount > -1000000)");
        changeSchemaWhileCopying(ferry, "yield-pg", db);
        var job = ferry.awaitEnd("yield-pg", Duration.ofSeconds(200));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertNewDefinition(destination.superuser(), db.name());
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM pg_constraint "
                + "WHERE conrelid = 'ledger'::regclass AND conname = 'amount_sane'")).isEqualTo("1");
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT count(*) FROM pg_trigger "
                + "WHERE tgrelid = 'ledger'::regclass AND tgname = 'ledger_touch'")).isEqualTo("1");
        DdlDuringCopy.assertSameContent(db.connection(), destination.superuser(), db.name(), TABLES);
        assertThat(DdlDuringCopy.yields(ferry, "yield-pg")).as("the copy gave way to both ALTER TABLEs")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    @Timeout(300)
    void withoutYieldToDdlTheWaitingDdlIsReportedAtOnce() throws Exception {
        TestDatabase db = ledger();
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        create("keep-pg", JobType.ONE_TIME, new ReliabilityConfig(null, null, false, null, null, null, 4_000_000L));

        ferry.control().jobs().start("keep-pg", false, null);
        DdlDuringCopy.awaitCopying(ferry, "keep-pg", "ledger");
        // While the snapshot is open, how far it holds back the source's cleanup is measured and shown.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> ferry.control().jobs()
                .retention("keep-pg").stream().anyMatch(r -> r.cleanupHeldBack().isPresent()));
        Thread alter = Thread.ofVirtual().start(() -> db.execute("ALTER TABLE ledger ADD COLUMN flag int"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> ferry.control().jobs()
                .events("keep-pg", 500).stream().anyMatch(e -> e.message().contains("ALTER TABLE ledger")));
        var job = ferry.awaitEnd("keep-pg", Duration.ofSeconds(200));
        alter.join();

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(DdlDuringCopy.yields(ferry, "keep-pg")).isZero();
        assertThat(ferry.control().jobs().retention("keep-pg")).as("no snapshot is held any more").isEmpty();
    }

    @Test
    @Timeout(300)
    void continuousJobLetsDdlThroughDuringTheLoadAndEvolvesOnAColumnAddedDuringReplication() throws Exception {
        TestDatabase db = ledger();
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        create("yield-pg-cdc", JobType.CONTINUOUS, SLOW_READS);
        var stop = new AtomicBoolean();
        var failure = new AtomicReference<Exception>();
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
                failure.set(e);
            }
        });

        ferry.control().jobs().start("yield-pg-cdc", false, null);
        changeSchemaWhileCopying(ferry, "yield-pg-cdc", db);
        await().atMost(Duration.ofSeconds(200)).until(() -> {
            var job = ferry.control().jobs().get("yield-pg-cdc");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
        stop.set(true);
        writer.join();
        assertThat(failure.get()).isNull();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> DdlDuringCopy.assertSameContent(db.connection(),
                destination.superuser(), db.name(), TABLES));
        assertNewDefinition(destination.superuser(), db.name());

        // A column added once the job replicates reaches the destination before the change that uses it.
        db.execute("ALTER TABLE branch ADD COLUMN region text", "UPDATE branch SET region = 'north' WHERE id = 3");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            var job = ferry.control().jobs().get("yield-pg-cdc");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            assertThat(Sql.one(destination.superuser(), db.name(), "SELECT region FROM branch WHERE id = 3")).isEqualTo("north");
        });
        assertThat(ferry.control().jobs().events("yield-pg-cdc", 1000).stream().map(e -> e.message()))
                .anyMatch(m -> m.contains("Evolved table public.branch") && m.contains("region"));
    }
}
