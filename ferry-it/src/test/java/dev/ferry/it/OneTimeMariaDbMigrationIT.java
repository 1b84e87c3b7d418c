package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.engine.mysql.validate.SchemaComparison;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A ONE_TIME MariaDB job end to end through the control plane, the runner and the MySQL engine. */
class OneTimeMariaDbMigrationIT {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    private static List<String> checksum(DatabaseConnection server, String database, String table) throws Exception {
        try (var c = Sql.connect(server, database); var s = c.createStatement();
                var rs = s.executeQuery("CHECKSUM TABLE `" + table + "` EXTENDED")) {
            rs.next();
            return List.of(rs.getString(2), Sql.one(server, database, "SELECT COUNT(*) FROM `" + table + "`"));
        }
    }

    @Test
    @Timeout(240)
    void aNewManagedInstanceIsGivenTheAccountsAndPrivilegesTheDatabaseUses() throws Exception {
        TestDatabase shop = source.freshDatabase();
        String app = shop.name() + "_app";
        String report = shop.name() + "_report";
        shop.execute("CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(40), secret VARCHAR(40))",
                "INSERT INTO customer SELECT seq, concat('c', seq), md5(seq) FROM seq_1_to_100",
                "CREATE USER '%s'@'%%' IDENTIFIED BY 'app-secret'".formatted(app),
                "CREATE USER '%s'@'localhost' IDENTIFIED BY 'report-secret'".formatted(report),
                "GRANT SELECT, INSERT, UPDATE ON `%s`.* TO '%s'@'%%'".formatted(shop.name(), app),
                "GRANT SELECT (id, name) ON `%s`.customer TO '%s'@'localhost'".formatted(shop.name(), report),
                "CREATE DEFINER = '%s'@'%%' SQL SECURITY DEFINER VIEW names AS SELECT id, name FROM customer".formatted(app));
        try {
            ferry.profile("src", shop.connection());
            var create = ferry.control().profiles().create(new dev.ferry.control.profile.ProfileRequest("managed-dst", null,
                    java.util.Map.of(), new dev.ferry.core.model.ManagedInstance(dev.ferry.core.model.EngineKind.MYSQL, "10.11",
                            null, java.util.Map.of(), null, "local", null)), null);
            assertThat(ferry.awaitOperation(create, Duration.ofSeconds(120)).error()).isNull();
            DatabaseConnection managed = ferry.control().profiles().get("managed-dst").connection();
            ferry.job("to-managed", JobType.ONE_TIME, "src", "managed-dst", ObjectsConfig.ALL);

            ferry.control().jobs().start("to-managed", false, null);
            var job = ferry.awaitEnd("to-managed", Duration.ofSeconds(150));

            assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
            assertThat(Sql.column(managed, "mysql", ("SELECT concat(User, '@', Host, ' ', JSON_VALUE(Priv, '$.account_locked'), "
                    + "' ', coalesce(JSON_VALUE(Priv, '$.authentication_string'), '') = '') FROM mysql.global_priv "
                    + "WHERE User LIKE '%s\\_%%' ORDER BY 1").formatted(shop.name())))
                    .as("the accounts exist, locked and without a password")
                    .containsExactly(app + "@% 1 1", report + "@localhost 1 1");
            String grants = ("SELECT concat(GRANTEE, ' ', PRIVILEGE_TYPE, ' ', coalesce(TABLE_NAME, '*'), ' ', "
                    + "coalesce(COLUMN_NAME, '*')) FROM (SELECT GRANTEE, PRIVILEGE_TYPE, NULL TABLE_NAME, NULL COLUMN_NAME "
                    + "FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = '%1$s' UNION ALL "
                    + "SELECT GRANTEE, PRIVILEGE_TYPE, TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMN_PRIVILEGES "
                    + "WHERE TABLE_SCHEMA = '%1$s') p ORDER BY 1").formatted(shop.name());
            assertThat(Sql.column(managed, "mysql", grants)).hasSize(5).isEqualTo(Sql.column(shop.connection(), "mysql", grants));
            assertThat(Sql.one(managed, shop.name(), "SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_NAME = 'names'"))
                    .isEqualTo(app + "@%");
            assertThat(ferry.control().jobs().events("to-managed", 200)).extracting(dev.ferry.core.model.JobEvent::message)
                    .contains("Created account %s@%% (locked, no password yet)".formatted(app));
            // Schema validation compares the copied privileges: equal ones are clean, a revoked one is a finding.
            var connector = new dev.ferry.engine.mysql.MySqlConnector();
            assertThat(SchemaComparison.compare(connector, shop.connection(), managed, shop.name(), ObjectsConfig.ALL)).isEmpty();
            Sql.execute(managed, shop.name(), "REVOKE UPDATE ON `%s`.* FROM '%s'@'%%'".formatted(shop.name(), app));
            Sql.execute(managed, shop.name(), "REVOKE SELECT (name) ON `%s`.customer FROM '%s'@'localhost'".formatted(shop.name(), report));
            assertThat(SchemaComparison.compare(connector, shop.connection(), managed, shop.name(), ObjectsConfig.ALL))
                    .extracting(f -> f.object() + ": " + f.message()).containsExactly(
                            "privileges of %s@%% on %s.*: privileges of %1$s@%% on %2$s.* differs: privileges is 'INSERT, SELECT, "
                                    .formatted(app, shop.name()) + "UPDATE' on the source but 'INSERT, SELECT' on the destination",
                            "privileges of %s@localhost on %s.customer.name: privileges of %1$s@localhost on %2$s.customer.name "
                                    .formatted(report, shop.name()) + "are granted on the source but not on the destination");
            ferry.control().jobs().delete("to-managed", true, null);
        } finally {
            shop.execute("DROP USER IF EXISTS '%s'@'%%'".formatted(app), "DROP USER IF EXISTS '%s'@'localhost'".formatted(report));
        }
    }

    @Test
    @Timeout(180)
    void oneTimeJobCopiesAMariaDbDatabaseIntoAnExistingEmptyServer() throws Exception {
        TestDatabase shop = source.freshDatabase();
        shop.execute(
                "CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(80) CHARACTER SET utf8mb4, "
                        + "city VARCHAR(40) CHARACTER SET latin1, born DATE, photo BLOB, meta JSON, KEY (city))",
                "CREATE TABLE `order line` (id BIGINT UNSIGNED PRIMARY KEY, customer_id INT, amount DECIMAL(65,30), "
                        + "flags BIT(5), state ENUM('new','paid'), placed DATETIME(6), "
                        + "FOREIGN KEY (customer_id) REFERENCES customer(id))",
                "CREATE TABLE no_pk (v VARCHAR(10), n INT) ENGINE=MyISAM",
                "INSERT INTO customer (name, city, born, photo, meta) SELECT concat('Zoë ', seq), "
                        + "concat('Köln', seq % 7), '2000-01-01' + INTERVAL seq DAY, unhex(md5(seq)), "
                        + "json_object('n', seq) FROM seq_1_to_3000",
                "INSERT INTO `order line` SELECT seq, 1 + seq % 3000, seq / 7, seq % 32, "
                        + "IF(seq % 2, 'new', 'paid'), '2024-01-01 00:00:00.123456' + INTERVAL seq SECOND FROM seq_1_to_20000",
                "INSERT INTO no_pk SELECT concat('v', seq % 10), seq FROM seq_1_to_100",
                "CREATE VIEW paid AS SELECT * FROM `order line` WHERE state = 'paid'");
        ferry.profile("src", shop.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("copy-maria", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL);

        ferry.control().jobs().start("copy-maria", false, null);
        var job = ferry.awaitEnd("copy-maria", Duration.ofSeconds(150));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        for (String table : List.of("customer", "order line", "no_pk")) {
            assertThat(checksum(destination.superuser(), shop.name(), table)).as(table)
                    .isEqualTo(checksum(shop.connection(), shop.name(), table));
        }
        assertThat(Sql.one(destination.superuser(), shop.name(), "SELECT COUNT(*) FROM paid"))
                .isEqualTo(Sql.one(shop.connection(), shop.name(), "SELECT COUNT(*) FROM paid"));
        assertThat(ferry.control().jobs().compare("copy-maria")).hasSize(3).allSatisfy(c -> assertThat(c.matches()).isTrue());
        assertThat(ferry.control().jobs().events("copy-maria", 100))
                .anySatisfy(e -> assertThat(e.message()).containsPattern("global read lock held for \\d+ ms"));
        // Ferry issued ANALYZE TABLE for every copied table itself, and said so.
        String analyzed = ferry.control().jobs().events("copy-maria", 100).stream().map(e -> e.message())
                .filter(m -> m.startsWith("Analyzed the copied tables of " + shop.name())).findFirst().orElseThrow();
        for (String table : List.of("customer", "order line", "no_pk")) {
            assertThat(analyzed).contains("ANALYZE TABLE `" + shop.name() + "`.`" + table + "` in ");
        }
        assertThat(analyzed).doesNotContain("failed");
    }

    /**
     * A stop cancels the chunks being copied instead of waiting for them to end: their transactions roll back and the
     * table is left to copy again; the resumed job completes with the same rows on both sides.
     */
    @Test
    @Timeout(300)
    void aStopCancelsTheRunningChunksAndTheResumedJobCompletesIdentically() throws Exception {
        TestDatabase db = source.freshDatabase();
        db.execute("CREATE TABLE slow (id BIGINT PRIMARY KEY, payload VARCHAR(100))",
                "INSERT INTO slow SELECT seq, repeat(md5(seq), 2) FROM seq_1_to_200000",
                "CREATE TABLE small (id INT PRIMARY KEY)", "INSERT INTO small SELECT seq FROM seq_1_to_100", "ANALYZE TABLE slow");
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        // About 14 MB read at 1 MB/s: the copy of slow alone would take some 14 s.
        ferry.job("stopped", JobType.ONE_TIME, "src", "dst", ObjectsConfig.ALL,
                new ReliabilityConfig(null, null, null, null, null, null, 1_000_000L));

        StopAndResume.stopWhileCopying(ferry, "stopped", "slow");
        assertThat(Sql.one(destination.superuser(), db.name(), "SELECT COUNT(*) FROM slow"))
                .as("the cancelled chunks rolled back").isEqualTo("0");

        StopAndResume.resumeToCompletion(ferry, "stopped");
        for (String table : List.of("slow", "small")) {
            assertThat(checksum(destination.superuser(), db.name(), table)).as(table)
                    .isEqualTo(checksum(db.connection(), db.name(), table));
        }
    }
}
