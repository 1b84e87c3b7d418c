package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.validate.ValidationService;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Upgrades across major versions, the commonest reason to migrate: PostgreSQL 13 to 15 and 15 to 17 (the other
 * majors' server binaries come from Maven Central), a one-time job and a continuous job under a writer each, proven
 * equal by Ferry's own validation after the load and after promotion: rows of every type always; the schema and the
 * sequences when this machine's pg_dump is as new as the destination (it compares the schema; the binaries of other
 * majors come without client tools). Without such a pg_dump a continuous job cannot be promoted into the newer major
 * (promotion reconciles the schema with it): verify warns, and that part is left out.
 */
@Timeout(900)
class CrossVersionPostgresIT {
    /** Every column type the fidelity test uses that PostgreSQL 13 has, keyed, composite-keyed and keyless tables, sequences. */
    private static final Path TYPES = Path.of(
            "../ferry-engine-postgres/src/test/resources/dev/ferry/engine/postgres/validate/validation-types.sql");

    /** The newest PostgreSQL client tools installed here (the server binaries of other majors come without them). */
    private static final int INSTALLED_CLIENT = installedClientMajor();

    private InProcessFerry ferry;

    private static int installedClientMajor() {
        try (var dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/pg_dump"))).map(d -> d.getFileName().toString())
                    .filter(n -> n.matches("\\d+")).mapToInt(Integer::parseInt).max().orElse(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    private static LocalPostgres server(String major, String role) {
        return "15".equals(major) ? ("source".equals(role) ? LocalPostgres.shared() : LocalPostgres.shared("destination"))
                : LocalPostgres.sharedVersion(major);
    }

    private static TestDatabase fresh(LocalPostgres server) {
        return server.freshDatabase();
    }

    @ParameterizedTest(name = "PostgreSQL {0} to {1}")
    @CsvSource({"13, 15", "15, 17"})
    void oneTimeAndContinuousJobsUpgradeToAnEqualDestination(String from, String to) throws Exception {
        LocalPostgres source = server(from, "source");
        LocalPostgres destination = server(to, "destination");

        TestDatabase typed = fresh(source);
        typed.execute(Files.readString(TYPES).split(";\n"));
        ferry.profile("src", typed.connection());
        ferry.profile("dst", destination.superuser());
        // The schema is compared with this machine's pg_dump, which must be as new as both servers.
        ValidationMode mode = Integer.parseInt(to) <= INSTALLED_CLIENT ? ValidationMode.FULL : ValidationMode.DATA;
        ferry.job("upgrade", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL, new ReliabilityConfig(null, null, null,
                null, null, null, null, null, null, mode, null, null));
        ferry.control().jobs().start("upgrade", false, null);
        var job = ferry.awaitEnd("upgrade", Duration.ofSeconds(240));
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        Validation loaded = ferry.control().validations().list("upgrade").getFirst();
        assertThat(loaded.status()).as("%s", loaded).isEqualTo(Validation.Status.CLEAN);
        assertThat(loaded.tableResults()).hasSize(3).allSatisfy(t -> assertThat(t.rows()).isPositive());

        TestDatabase bank = fresh(source);
        bank.execute("CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2), "
                        + "at timestamptz DEFAULT now(), tags text[])",
                "CREATE TABLE audit (id int PRIMARY KEY, note text)",
                "INSERT INTO account (owner, balance, tags) SELECT 'o' || g, g, ARRAY['t' || g] FROM generate_series(1, 20000) g",
                "INSERT INTO audit SELECT g, 'n' || g FROM generate_series(1, 1000) g");
        ferry.profile("bank", bank.connection());
        ferry.job("follow", JobType.CONTINUOUS, "bank", "dst", ObjectsConfig.ALL);
        if (Integer.parseInt(to) > INSTALLED_CLIENT) {
            // Promotion compares and reconciles the schema with pg_dump, which refuses a newer server: verify says so
            // before anything starts, and this machine cannot promote a continuous job into that major.
            assertThat(ferry.control().jobs().verify("follow")).extracting(dev.ferry.core.model.Finding::code)
                    .contains("PG_DUMP_OLDER_THAN_DESTINATION");
            return;
        }
        ferry.control().jobs().start("follow", false, null);
        await().atMost(Duration.ofSeconds(240)).until(() -> {
            var j = ferry.control().jobs().get("follow");
            assertThat(j.state()).as("error: %s", j.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE;
        });
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = ValidationScenario.writer(bank, stop, writes);
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > 500);
        stop.set(true);
        writer.join();
        ferry.control().jobs().promote("follow", false, true, null);
        job = ferry.awaitJob("follow", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(180));
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);

        var op = ferry.control().validations().validate("follow", new ValidationService.Request(mode, null), null);
        ferry.awaitOperation(op, Duration.ofSeconds(120));
        Validation promoted = ferry.control().validations().list("follow").getFirst();
        assertThat(promoted.status()).as("%s", promoted).isEqualTo(Validation.Status.CLEAN);
        assertThat(promoted.rows()).isGreaterThan(20_000);
    }
}
