package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Severity;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Verify findings against really misconfigured servers: each finding has its code and severity, a
 * refused start changes nothing on either side.
 */
class VerifyFindingsIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final dev.ferry.testkit.LocalMariaDb maria = dev.ferry.testkit.LocalMariaDb.shared();

    @RegisterExtension
    static final dev.ferry.testkit.LocalMariaDb mariaDestination = dev.ferry.testkit.LocalMariaDb.shared("destination");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    private DatabaseConnection managed(String name, EngineKind engine, String version, Map<String, String> flags) {
        var op = ferry.control().profiles().create(new ProfileRequest(name, null, null,
                new ManagedInstance(engine, version, null, flags, null, "local", null)), null);
        var done = ferry.awaitOperation(op, Duration.ofSeconds(120));
        assertThat(done.error()).as("instance %s", name).isNull();
        return ferry.control().profiles().get(name).connection();
    }

    private static Finding finding(List<Finding> findings, String code) {
        return findings.stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " finding in " + findings));
    }

    private void assertStartRefusedWith(String job, String code) {
        assertThatThrownBy(() -> ferry.control().jobs().start(job, false, null))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                    assertThat(e.getMessage()).contains(code);
                });
        assertThat(ferry.control().jobs().get(job).state()).isEqualTo(JobState.NOT_STARTED);
    }

    @Test
    @Timeout(240)
    void aSourceWithoutLogicalDecodingIsRefusedForAContinuousJobAndLeftUntouched() throws Exception {
        DatabaseConnection plain = managed("plain-pg", EngineKind.POSTGRESQL, "15", Map.of("wal_level", "replica"));
        Sql.execute(plain, "postgres", "CREATE DATABASE app");
        Sql.execute(plain, "app", "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        ferry.profile("dst", destination.superuser());
        ferry.job("needs-logical", JobType.CONTINUOUS, "plain-pg", "dst", new ObjectsConfig(List.of("app"), List.of()));

        List<Finding> findings = ferry.control().jobs().verify("needs-logical");

        Finding walLevel = finding(findings, "WAL_LEVEL");
        assertThat(walLevel.severity()).isEqualTo(Severity.ERROR);
        assertThat(walLevel.remedy()).contains("wal_level");
        assertStartRefusedWith("needs-logical", "WAL_LEVEL");
        assertThat(Sql.one(plain, "app", "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
        assertThat(Sql.one(plain, "app", "SELECT count(*) FROM pg_publication")).isEqualTo("0");
        assertThat(Sql.column(destination.superuser(), "postgres", "SELECT datname FROM pg_database"))
                .doesNotContain("app");
    }

    @Test
    @Timeout(120)
    void aUserWithoutPrivilegesGetsFindingsNamingWhatIsMissing() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE secret_stuff (id int PRIMARY KEY)", "CREATE TABLE open_stuff (id int PRIMARY KEY)",
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'weak_user') THEN "
                        + "CREATE ROLE weak_user LOGIN PASSWORD 'weak-pass-9'; END IF; END $$",
                "GRANT SELECT ON open_stuff TO weak_user");
        DatabaseConnection weak = new DatabaseConnection(EngineKind.POSTGRESQL, db.connection().host(),
                db.connection().port(), "weak_user", new Secret("weak-pass-9"), db.name(), null);
        ferry.profile("weak-src", weak);
        ferry.profile("dst", destination.superuser());
        ferry.job("weak-job", JobType.CONTINUOUS, "weak-src", "dst", ObjectsConfig.ALL);

        List<Finding> findings = ferry.control().jobs().verify("weak-job");

        Finding tables = finding(findings, "TABLE_PRIVILEGES");
        assertThat(tables.severity()).isEqualTo(Severity.ERROR);
        assertThat(tables.message()).contains("secret_stuff").doesNotContain("open_stuff");
        assertThat(finding(findings, "REPLICATION_PRIVILEGE").severity()).isEqualTo(Severity.ERROR);
        assertStartRefusedWith("weak-job", "TABLE_PRIVILEGES");
    }

    @Test
    @Timeout(120)
    void whatLogicalDecodingCannotCarryIsReportedForContinuousJobs() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE keyed (id int PRIMARY KEY)", "CREATE TABLE full_ident (v text)",
                "ALTER TABLE full_ident REPLICA IDENTITY FULL", "CREATE TABLE log_lines (v text)",
                "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)", "SELECT lo_create(0)");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("limits", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);

        List<Finding> findings = ferry.control().jobs().verify("limits");

        assertThat(finding(findings, "TABLES_WITHOUT_PRIMARY_KEY").message()).contains("full_ident").doesNotContain("keyed");
        Finding noIdentity = finding(findings, "REPLICA_IDENTITY_NOTHING");
        assertThat(noIdentity.message()).contains("log_lines").doesNotContain("full_ident");
        assertThat(noIdentity.remedy()).contains("REPLICA IDENTITY FULL");
        assertThat(finding(findings, "UNLOGGED_TABLES").message()).contains("scratch");
        assertThat(finding(findings, "LARGE_OBJECTS").severity()).isEqualTo(Severity.WARNING);
        ferry.job("limits-once", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);
        assertThat(ferry.control().jobs().verify("limits-once")).extracting(Finding::code)
                .doesNotContain("TABLES_WITHOUT_PRIMARY_KEY", "UNLOGGED_TABLES", "LARGE_OBJECTS");
    }

    @Test
    @Timeout(120)
    void aSelectionLeavingOutWhatASelectedTableNeedsIsAWarning() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE customers (id int PRIMARY KEY)",
                "CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers(id))");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("partial", JobType.ONE_TIME, "src", "dst",
                new ObjectsConfig(List.of(), List.of(db.name() + ".public.customers")));

        Finding dependency = finding(ferry.control().jobs().verify("partial"), "SELECTION_DEPENDENCY");

        assertThat(dependency.severity()).isEqualTo(Severity.WARNING);
        assertThat(dependency.message()).contains("orders").contains("customers").contains("foreign key");
    }

    @Test
    @Timeout(120)
    void aMariaDbSelectionLeavingOutAReferencedTableIsAWarning() throws Exception {
        var db = maria.freshDatabase();
        db.execute("CREATE TABLE customers (id INT PRIMARY KEY)",
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, FOREIGN KEY (customer_id) REFERENCES customers(id))");
        ferry.profile("src", db.connection());
        ferry.profile("dst", mariaDestination.superuser());
        ferry.job("partial-maria", JobType.ONE_TIME, "src", "dst",
                new ObjectsConfig(List.of(), List.of(db.name() + ".customers")));

        Finding dependency = finding(ferry.control().jobs().verify("partial-maria"), "SELECTION_DEPENDENCY");

        assertThat(dependency.severity()).isEqualTo(Severity.WARNING);
        assertThat(dependency.message()).contains("orders").contains("customers");
    }

    @Test
    @Timeout(300)
    void aDestinationOlderThanTheSourceIsAVersionIncompatibility() throws Exception {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        DatabaseConnection older = managed("older-pg", EngineKind.POSTGRESQL, "13", Map.of());
        ferry.profile("src", db.connection());
        ferry.job("downgrade", JobType.ONE_TIME, "src", "older-pg", ObjectsConfig.ALL);

        Finding version = finding(ferry.control().jobs().verify("downgrade"), "VERSION_INCOMPATIBILITY");

        assertThat(version.severity()).isEqualTo(Severity.ERROR);
        assertThat(version.message()).contains("older");
        assertStartRefusedWith("downgrade", "VERSION_INCOMPATIBILITY");
        assertThat(Sql.column(older, "postgres", "SELECT datname FROM pg_database")).doesNotContain(db.name());
    }

    @Test
    @Timeout(240)
    void aMariaDbSourceWithoutBinlogAndADestinationWithoutLocalInfileAreReported() throws Exception {
        DatabaseConnection noBinlog = managed("nobinlog-maria", EngineKind.MYSQL, null, Map.of());
        Sql.execute(noBinlog, "mysql", "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY)");
        DatabaseConnection noInfile = managed("noinfile-maria", EngineKind.MYSQL, null, Map.of("local_infile", "0"));
        ferry.job("maria-cdc", JobType.CONTINUOUS, "nobinlog-maria", "noinfile-maria",
                new ObjectsConfig(List.of("app"), List.of()));

        List<Finding> findings = ferry.control().jobs().verify("maria-cdc");

        assertThat(finding(findings, "BINLOG_DISABLED").severity()).isEqualTo(Severity.ERROR);
        assertThat(finding(findings, "LOCAL_INFILE_DISABLED").severity()).isEqualTo(Severity.WARNING);
        assertStartRefusedWith("maria-cdc", "BINLOG_DISABLED");
        assertThat(Sql.column(noInfile, "mysql", "SHOW DATABASES")).doesNotContain("app");
    }
}
