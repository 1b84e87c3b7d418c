package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.profile.ProfilePatch;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.runner.Demotion;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, "never destroy what Ferry did not create" and "never hold WAL forever", on PostgreSQL: each test
 * reproduces a defect of the code before that issue.
 */
class DoNoHarmPostgresIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    /** A source of its own, stopped and started by one test. */
    @RegisterExtension
    static final LocalPostgres stoppable = LocalPostgres.shared("stoppable-source");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    /** A database of the same name on the destination, holding a user table {@code t} and the user's {@code mine}. */
    private static void userDatabaseOnDestination(String name) throws Exception {
        Sql.execute(destination.superuser(), "postgres", "CREATE DATABASE \"" + name + "\"");
        Sql.execute(destination.superuser(), name, "CREATE TABLE t (id int PRIMARY KEY, note text)",
                "CREATE TABLE mine (id int PRIMARY KEY, precious text)", "INSERT INTO mine VALUES (1, 'keep me')");
    }

    @Test
    @Timeout(180)
    void restartAndResumeAfterSkippedValidationIntoAUsersDatabaseRefuseAndKeepTheUsersTables() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        userDatabaseOnDestination(source.name());
        ferry.profile("src", source.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("skip", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("skip", true, null);
        MigrationJob failed = ferry.awaitEnd("skip", Duration.ofSeconds(90));
        assertThat(failed.state()).as("the schema conflicts with the user's table t").isEqualTo(JobState.FAILED);

        assertThatThrownBy(() -> ferry.control().jobs().restart("skip", true, null))
                .isInstanceOf(FerryException.class).hasMessageContaining(source.name()).hasMessageContaining("did not create")
                .extracting(e -> ((FerryException) e).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThatThrownBy(() -> ferry.control().jobs().resume("skip", true, null))
                .isInstanceOf(FerryException.class).hasMessageContaining("did not create");
        assertThat(ferry.control().jobs().get("skip").state()).isEqualTo(JobState.FAILED);
        assertThat(Sql.one(destination.superuser(), source.name(), "SELECT precious FROM mine")).isEqualTo("keep me");
    }

    @Test
    @Timeout(180)
    void aDatabaseFerryCreatedIsClearedAtRestartAndUnmarkedAtCompletion() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        ferry.profile("src", source.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("own", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("own", false, null);
        assertThat(ferry.awaitEnd("own", Duration.ofSeconds(90)).state()).isEqualTo(JobState.COMPLETED);

        assertThat(Sql.one(destination.superuser(), source.name(), "SELECT count(*) FROM t")).isEqualTo("100");
        assertThat(Sql.one(destination.superuser(), source.name(),
                "SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).as("marker removed").isEqualTo("0");
    }

    @Test
    @Timeout(120)
    void aHostEditUnderAnUnfinishedJobIsRefused() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        userDatabaseOnDestination(source.name());
        ferry.profile("src", source.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("edit", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);
        ferry.control().jobs().start("edit", true, null);
        assertThat(ferry.awaitEnd("edit", Duration.ofSeconds(90)).state()).isEqualTo(JobState.FAILED);

        // The same server under another name, so the old code's connection check passes.
        var patch = new ProfilePatch(null, null, "localhost", null, null, null, null, null);
        assertThatThrownBy(() -> ferry.control().profiles().update("dst", patch, null))
                .isInstanceOf(FerryException.class).hasMessageContaining("edit").hasMessageContaining("host")
                .extracting(e -> ((FerryException) e).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(((DatabaseConnection) ferry.control().profiles().get("dst").spec()).host())
                .isEqualTo(destination.superuser().host());
        // A password rotation is fine.
        ferry.control().profiles().update("dst", new ProfilePatch(null, Map.of("rotated", "yes"), null, null, null,
                destination.superuser().password(), null, null), null);
    }

    @Test
    @Timeout(120)
    void aDestinationThatIsTheSourceServerIsRefusedWithoutADestructiveRemedy() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'source row')");
        ferry.profile("src", source.connection());
        ferry.profile("dst", pg.superuser());
        ferry.job("self", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        List<Finding> findings = ferry.control().jobs().verify("self");

        assertThat(findings).extracting(Finding::code).contains("SAME_SERVER").doesNotContain("EXISTING_DATA");
        for (Finding f : findings) {
            assertThat(String.valueOf(f.remedy()).toUpperCase(Locale.ROOT)).doesNotContain("DROP").doesNotContain("OVERWRITE");
        }
        assertThatThrownBy(() -> ferry.control().jobs().start("self", false, null)).hasMessageContaining("SAME_SERVER");
        assertThatThrownBy(() -> ferry.control().jobs().start("self", true, null)).hasMessageContaining("SAME_SERVER");
        assertThat(source.queryLong("SELECT count(*) FROM t")).isEqualTo(1);
    }

    @Test
    @Timeout(300)
    void jobsWhoseOldSlotNamesCollideKeepTheirOwnSlotsWhenOneIsDeleted() throws Exception {
        String r = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String s = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        // Job "j<r>" reading database "x_<s>" and job "j<r>-x" reading database "<s>": both were ferry_j<r>_x_<s>.
        String dbOne = "x_" + s;
        String dbTwo = s;
        for (String db : List.of(dbOne, dbTwo)) {
            Sql.execute(pg.superuser(), "postgres", "CREATE DATABASE \"" + db + "\"");
            Sql.execute(pg.superuser(), db, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')");
        }
        ferry.profile("src-one", pg.superuser().withDatabase(dbOne));
        ferry.profile("src-two", pg.superuser().withDatabase(dbTwo));
        ferry.profile("dst", destination.superuser());
        String one = "j" + r;
        String two = "j" + r + "-x";
        ferry.job(one, JobType.CONTINUOUS, "src-one", "dst", ObjectsConfig.ALL);
        ferry.job(two, JobType.CONTINUOUS, "src-two", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start(one, false, null);
        awaitCdc(one);
        ferry.control().jobs().start(two, false, null);
        awaitCdc(two);
        String slotsOfTwo = "SELECT count(*) FROM pg_replication_slots WHERE database = '" + dbTwo + "'";
        assertThat(Sql.one(pg.superuser(), "postgres", slotsOfTwo)).isEqualTo("1");
        String slotOfTwo = Sql.one(pg.superuser(), "postgres", "SELECT slot_name FROM pg_replication_slots WHERE database = '"
                + dbTwo + "'");
        assertThat(slotOfTwo).startsWith("ferry_").contains("_j" + r + "_x_");
        // What the job costs the source is measured on the replication's tick and kept with the job.
        await().atMost(Duration.ofSeconds(30)).until(() -> ferry.control().jobs().retention(two).stream()
                .anyMatch(m -> m.retainedWalBytes().isPresent() && m.cleanupHeldBack().isPresent()));
        // A slot named as this installation's that no job records is reported, with the statement that drops it.
        String prefix = slotOfTwo.substring(0, slotOfTwo.indexOf('_', "ferry_".length()) + 1);
        String orphan = prefix + "orphan_" + s;
        Sql.one(pg.superuser(), dbTwo, "SELECT 1 FROM pg_create_logical_replication_slot('" + orphan + "', 'pgoutput')");
        try {
            List<Finding> findings = ferry.control().jobs().verify(two);
            assertThat(findings).filteredOn(f -> f.code().equals("ORPHANED_REPLICATION")).singleElement()
                    .satisfies(f -> assertThat(f.remedy()).contains("pg_drop_replication_slot('" + orphan + "')")
                            .doesNotContain(slotOfTwo));
            assertThat(findings).extracting(Finding::code).contains("UNBOUNDED_SLOT_WAL");
        } finally {
            Sql.one(pg.superuser(), "postgres", "SELECT 1 FROM pg_drop_replication_slot('" + orphan + "')");
        }

        ferry.control().jobs().delete(one, false, null);

        assertThat(Sql.one(pg.superuser(), "postgres", slotsOfTwo)).isEqualTo("1");
        Sql.execute(pg.superuser(), dbTwo, "INSERT INTO t VALUES (2, 'after the other job left')");
        await().atMost(Duration.ofSeconds(60)).until(() -> "2".equals(Sql.one(destination.superuser(), dbTwo,
                "SELECT count(*) FROM t")));
        assertThat(ferry.control().jobs().get(two).state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    @Timeout(300)
    void aDeleteWhileTheSourceIsDownKeepsTheJobAcrossARestartAndARetriedDeleteDropsTheSlot() throws Exception {
        TestDatabase source = stoppable.freshDatabase();
        source.execute("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a')");
        ferry.profile("src", source.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("held", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);
        ferry.control().jobs().start("held", false, null);
        awaitCdc("held");
        String slots = "SELECT count(*) FROM pg_replication_slots WHERE database = '" + source.name() + "'";
        assertThat(Sql.one(stoppable.superuser(), "postgres", slots)).isEqualTo("1");

        stoppable.stop();
        try {
            assertThatThrownBy(() -> ferry.control().jobs().delete("held", false, null)).isInstanceOf(FerryException.class);
            ferry.restart();
            assertThat(ferry.control().jobs().list()).extracting(MigrationJob::name).contains("held");
        } finally {
            stoppable.start();
        }
        assertThat(Sql.one(stoppable.superuser(), "postgres", slots)).as("the slot outlived the failed delete").isEqualTo("1");

        ferry.control().jobs().delete("held", false, null);

        assertThat(ferry.control().jobs().list()).extracting(MigrationJob::name).doesNotContain("held");
        assertThat(Sql.one(stoppable.superuser(), "postgres", slots)).isEqualTo("0");
    }

    private void awaitCdc(String job) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var j = ferry.control().jobs().get(job);
            assertThat(j.state()).as("error: %s", j.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE;
        });
    }

    @Test
    @Timeout(120)
    void aCrashBetweenDemotionAndItsRecordStillRestoresTheDestination() throws Exception {
        TestDatabase target = destination.freshDatabase();
        target.execute("CREATE TABLE t (id int PRIMARY KEY)");
        Engine real = EngineRegistry.load().get(EngineKind.POSTGRESQL);
        Engine crashing = (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("demoteDestination")) {
                        throw new IllegalStateException("simulated crash right after the destination was changed");
                    }
                    return result;
                });
        try (var store = JdbcStore.open(StoreConfig.embedded(Files.createTempDirectory("ferry-demotion")))) {
            var now = Instant.now();
            var job = new MigrationJob("demoted", null, null, JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL,
                    new PerformanceConfig(1), JobState.RUNNING, Phase.CDC, null, now, now, now, null, false);
            store.insertJob(job);
            var demotion = new Demotion(store, Clock.systemUTC());

            assertThatThrownBy(() -> demotion.demote(job, crashing, target.connection(), destination.superuser()))
                    .hasMessageContaining("simulated crash");
            assertThat(Sql.one(destination.superuser(), target.name(),
                    "SELECT current_setting('default_transaction_read_only')")).as("demoted").isEqualTo("on");

            demotion.restore(job, real, destination.superuser());

            assertThat(Sql.one(destination.superuser(), target.name(),
                    "SELECT current_setting('default_transaction_read_only')")).as("restored").isEqualTo("off");
        }
    }
}
