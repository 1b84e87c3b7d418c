package dev.ferry.engine.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.engine.mysql.MySqlEngineIT.Servers;
import dev.ferry.provisioner.local.LocalProvisioner;
import dev.ferry.provisioner.local.LocalSettings;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Findings against real servers: the testkit's well-configured ones, and one started here without binlog or local_infile. */
@Timeout(180)
class FindingsIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private static final String PLAIN = "mariadb-plain";
    private static Path home;
    private static LocalProvisioner provisioner;
    private static Instance plain;

    private final Engine engine = new MySqlEngine(Clock.systemUTC());

    @BeforeAll
    static void startAServerWithoutBinlogAndWithoutLocalInfile() throws IOException {
        home = Files.createTempDirectory("ferry-mysql-findings",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        provisioner = new LocalProvisioner(LocalSettings.of(home));
        plain = provisioner.create(new InstanceSpec(PLAIN, EngineKind.MYSQL, null, null,
                Map.of("local_infile", "0", "server_id", "7", "max_allowed_packet", "64M"), null));
    }

    @AfterAll
    static void deleteIt() throws IOException {
        try {
            if (plain != null) {
                provisioner.delete(PLAIN);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(home)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<String> codes(List<Finding> findings) {
        return findings.stream().map(f -> f.code() + ":" + f.severity()).toList();
    }

    private static DatabaseConnection as(DatabaseConnection server, String user, String password) {
        return new DatabaseConnection(server.engine(), server.host(), server.port(), user, Secret.of(password), null, null);
    }

    @Test
    void wellConfiguredServersHaveNoFindings() {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)", "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1");

        assertThat(engine.checkSource(db.connection(), List.of(db.name()), true)).isEmpty();
        assertThat(engine.checkDestination(db.connection(), destination.superuser(), List.of(db.name()))).isEmpty();
    }

    @Test
    void aSourceWithoutBinlogCannotFeedAContinuousJob() {
        List<Finding> continuous = engine.checkSource(plain.endpoint(), List.of(), true);

        assertThat(codes(continuous)).containsExactly("BINLOG_DISABLED:ERROR");
        assertThat(continuous.getFirst().message()).contains("127.0.0.1:" + plain.endpoint().port());
        assertThat(continuous.getFirst().remedy()).contains("log_bin", "binlog_format=ROW");
        assertThat(engine.checkSource(plain.endpoint(), List.of(), false)).isEmpty();
    }

    @Test
    void aUserWithOnlySelectMissesPrivilegesAndTablesAreNamed() throws Exception {
        TestDatabase db = source.freshDatabase();
        String user = "sel_" + db.name();
        db.execute("CREATE TABLE ok (id INT PRIMARY KEY)", "CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM",
                "CREATE TABLE heap (a INT)",
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'", "GRANT SELECT ON `" + db.name() + "`.* TO '" + user + "'@'%'");
        try {
            List<Finding> findings = engine.checkSource(as(db.connection(), user, "pw"), List.of(db.name()), true);

            assertThat(codes(findings)).containsExactly("MISSING_PRIVILEGES:ERROR", "MISSING_PRIVILEGES:WARNING",
                    "NON_INNODB_TABLES:WARNING", "TABLES_WITHOUT_PRIMARY_KEY:WARNING");
            assertThat(findings.get(0).message()).contains("'" + user + "'@'%'", "SHOW VIEW, TRIGGER, EVENT, EXECUTE on `" + db.name() + "`",
                    "REPLICATION SLAVE, REPLICATION CLIENT on *.*");
            assertThat(findings.get(0).remedy()).contains("GRANT SHOW VIEW, TRIGGER, EVENT, EXECUTE ON `" + db.name() + "`.* TO '" + user + "'@'%';");
            assertThat(findings.get(1).remedy()).contains("GRANT RELOAD ON *.* TO '" + user + "'@'%';", "GRANT LOCK TABLES ON");
            assertThat(findings.get(2).message()).contains("`" + db.name() + "`.`m` (MyISAM)").doesNotContain("`ok`");
            assertThat(findings.get(3).message()).contains("`" + db.name() + "`.`heap`").doesNotContain("`ok`");
        } finally {
            db.execute("DROP USER '" + user + "'@'%'");
        }
    }

    /**
     * Plain tables reach MariaDB as bulk INSERTs, which need no local_infile: a few bulk commands carry every row. So
     * does a table with a LONGTEXT column here, as this destination takes commands larger than any row the source can
     * send (its max_allowed_packet is 64 MiB, the source's 16 MiB).
     */
    @Test
    void aDestinationWithoutLocalInfileIsWarnedAboutAndStillReceivesEveryRow() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t SELECT seq, CONCAT('r\\t', seq) FROM seq_1_to_3000",
                "CREATE TABLE doc (id INT PRIMARY KEY, body LONGTEXT)", "INSERT INTO doc SELECT seq, REPEAT('d\\n', seq) FROM seq_1_to_300");
        long executedBefore = globalStatus("Com_stmt_execute");
        Servers.execute(plain.endpoint(), null, "SET GLOBAL log_output = 'TABLE'", "TRUNCATE TABLE mysql.general_log",
                "SET GLOBAL general_log = 1");

        List<Finding> findings = engine.checkDestination(db.connection(), plain.endpoint(), List.of(db.name()));
        try {
            CopyFlow.migrate(engine, db.connection(), plain.endpoint(), db.name(), 2);
        } finally {
            Servers.execute(plain.endpoint(), null, "SET GLOBAL general_log = 0");
        }

        assertThat(codes(findings)).containsExactly("LOCAL_INFILE_DISABLED:WARNING");
        assertThat(findings.getFirst().remedy()).startsWith("SET GLOBAL local_infile = 1;");
        List<TableRef> tables = List.of(new TableRef(db.name(), "t"), new TableRef(db.name(), "doc"));
        assertThat(engine.contentHashes(plain.endpoint(), db.name(), tables))
                .isEqualTo(engine.contentHashes(db.connection(), db.name(), tables));
        // 3,300 rows in a few bulk commands, not one execution per row; each table's statement takes one row's values.
        assertThat(globalStatus("Com_stmt_execute") - executedBefore).isBetween(2L, 12L);
        assertThat(Servers.query(plain.endpoint(), null, "SELECT DISTINCT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                + " WHERE command_type = 'Prepare' AND argument LIKE 'INSERT INTO%'").stream().map(r -> r.getFirst().toString()))
                .containsExactlyInAnyOrder(
                        "INSERT INTO " + Servers.q(db.name(), "t") + " (`id`, `v`) VALUES (?, ?)",
                        "INSERT INTO " + Servers.q(db.name(), "doc") + " (`id`, `body`) VALUES (?, ?)");
    }

    private static long globalStatus(String name) throws Exception {
        return Long.parseLong(Servers.query(plain.endpoint(), null, "SHOW GLOBAL STATUS LIKE '" + name + "'").getFirst().get(1).toString());
    }

    @Test
    void missingDefinersAndFunctionCreatorsWithoutSuperAreErrors() throws Exception {
        TestDatabase db = source.freshDatabase();
        String ghost = "ghost_" + db.name();
        String loader = "loader_" + db.name();
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)",
                "CREATE DEFINER = '" + ghost + "'@'%' VIEW v AS SELECT id FROM t",
                "CREATE FUNCTION twice(n INT) RETURNS INT DETERMINISTIC RETURN n * 2");
        DatabaseConnection root = destination.superuser();
        Servers.execute(root, null, "CREATE USER '" + loader + "'@'%' IDENTIFIED BY 'pw'",
                "GRANT ALL ON `" + db.name() + "`.* TO '" + loader + "'@'%'");
        try {
            List<Finding> asRoot = engine.checkDestination(db.connection(), root, List.of(db.name()));
            List<Finding> asLoader = engine.checkDestination(db.connection(), as(root, loader, "pw"), List.of(db.name()));

            assertThat(codes(asRoot)).containsExactly("MISSING_DEFINERS:ERROR");
            assertThat(asRoot.getFirst().message()).contains("'" + ghost + "'@'%' (view `" + db.name() + "`.`v`)");
            assertThat(asRoot.getFirst().remedy()).startsWith("CREATE USER '" + ghost + "'@'%' ACCOUNT LOCK;");
            assertThat(codes(asLoader)).containsExactly("MISSING_DEFINERS:WARNING", "BINLOG_TRUST_FUNCTION_CREATORS:ERROR");
            assertThat(asLoader.get(1).remedy()).contains("SET GLOBAL log_bin_trust_function_creators = 1;");
            assertThat(asLoader).allMatch(f -> f.severity() != Severity.INFO);
        } finally {
            Servers.execute(root, null, "DROP USER '" + loader + "'@'%'");
        }
    }
}
