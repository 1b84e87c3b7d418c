package dev.ferry.it;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ValidationScenario} on MariaDB: every value kind of the MySQL engine's fidelity and validation tests (with a
 * keyless table and a sequence), the types the MariaDB migration tests use, and a sequence as the counter.
 */
@Timeout(600)
class ValidationMariaDbIT extends ValidationScenario {
    @RegisterExtension
    static final LocalMariaDb source = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb destination = LocalMariaDb.shared("destination");

    /** The MySQL engine's every-type database: the fidelity tests' value kinds, composite, binary and no keys, a sequence. */
    private static final Path TYPES = Path.of(
            "../ferry-engine-mysql/src/test/resources/dev/ferry/engine/mysql/validate/validation-types.sql");

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() {
        start(dir.resolve("home"));
    }

    @AfterEach
    void stopServer() {
        stop();
    }

    @Test
    void oneTimeMigration() throws Exception {
        oneTimeMigrationValidatesCleanAndNamesEveryTamperedRowAndSchemaChange();
    }

    @Test
    void continuousJob() throws Exception {
        continuousJobValidatesCleanUnderLoadFindsAnInjectedDifferenceAndGatesPromotion();
    }

    @Test
    void forcedPromotion() throws Exception {
        forcedPromotionPromotesATamperedDestinationAndSaysSo();
    }

    @Override
    TestDatabase typedSource() throws Exception {
        TestDatabase shop = source.freshDatabase();
        shop.execute(Files.readString(TYPES).split(";\n"));
        shop.execute(
                "CREATE TABLE customer (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(80) CHARACTER SET utf8mb4, "
                        + "city VARCHAR(40) CHARACTER SET latin1, born DATE, photo BLOB, meta JSON, ratio DOUBLE, "
                        + "score FLOAT, seen TIMESTAMP(3) NULL, t TIME(2), y YEAR, KEY (city))",
                "CREATE TABLE `order line` (id BIGINT UNSIGNED PRIMARY KEY, customer_id INT, amount DECIMAL(65,30), "
                        + "flags BIT(5), state ENUM('new','paid'), tags SET('a','b','c'), placed DATETIME(6), "
                        + "code BINARY(4), note TEXT CHARACTER SET latin1 COLLATE latin1_general_ci)",
                "CREATE TABLE composite (region VARCHAR(10) COLLATE utf8mb4_general_ci, n INT, v VARBINARY(8), "
                        + "PRIMARY KEY (region, n))",
                "CREATE TABLE no_pk (v VARCHAR(10), n INT) ENGINE=MyISAM",
                "INSERT INTO customer (name, city, born, photo, meta, ratio, score, seen, t, y) SELECT concat('Zoë ', seq), "
                        + "concat('Köln', seq % 7), '2000-01-01' + INTERVAL seq DAY, unhex(md5(seq)), "
                        + "json_object('n', seq), seq / 3, seq / 7, '2024-01-01 00:00:00.5' + INTERVAL seq SECOND, "
                        + "'12:34:56.78', 2000 + seq % 50 FROM seq_1_to_3000",
                "INSERT INTO `order line` SELECT seq, 1 + seq % 3000, seq / 7, seq % 32, IF(seq % 2, 'new', 'paid'), "
                        + "IF(seq % 3, 'a,c', ''), '2024-01-01 00:00:00.123456' + INTERVAL seq SECOND, unhex(lpad(hex(seq), 8, '0')), "
                        + "IF(seq % 5 = 0, NULL, concat('Ärger ', seq)) FROM seq_1_to_20000",
                "INSERT INTO composite SELECT concat('r', seq % 5), seq, unhex(hex(seq)) FROM seq_1_to_2000",
                "INSERT INTO no_pk SELECT concat('v', seq % 10), seq % 20 FROM seq_1_to_100",
                "CREATE TABLE t_update (id INT PRIMARY KEY, v VARCHAR(20))",
                "CREATE TABLE t_delete (id INT PRIMARY KEY, v VARCHAR(20))",
                "CREATE TABLE t_insert (id INT PRIMARY KEY, v VARCHAR(20))",
                "CREATE TABLE t_default (id INT PRIMARY KEY, v VARCHAR(20) DEFAULT 'a')",
                "CREATE TABLE t_index (id INT PRIMARY KEY, v VARCHAR(20), KEY t_index_v (v))",
                "CREATE SEQUENCE s_counter",
                "DO SETVAL(s_counter, 42)",
                "INSERT INTO t_update SELECT seq, concat('v', seq) FROM seq_1_to_5000",
                "INSERT INTO t_delete SELECT seq, concat('v', seq) FROM seq_1_to_5000",
                "INSERT INTO t_insert SELECT seq, concat('v', seq) FROM seq_1_to_5000",
                "INSERT INTO t_default SELECT seq, concat('v', seq) FROM seq_1_to_100",
                "INSERT INTO t_index SELECT seq, concat('v', seq) FROM seq_1_to_100");
        return shop;
    }

    @Override
    DatabaseConnection destination() {
        return destination.superuser();
    }

    @Override
    List<String> tamper() {
        return List.of("UPDATE t_update SET v = 'changed' WHERE id = 42", "DELETE FROM t_delete WHERE id = 4242",
                "INSERT INTO t_insert VALUES (9999, 'new')", "ALTER TABLE t_default ALTER v SET DEFAULT 'b'",
                "DROP INDEX t_index_v ON t_index", "SELECT SETVAL(s_counter, 500)");
    }

    @Override
    String tableName(String database, String table) {
        return database + "." + table;
    }

    @Override
    String counterName() {
        return "s_counter";
    }

    @Override
    TestDatabase bankSource(int rows) {
        TestDatabase bank = source.freshDatabase();
        bank.execute("CREATE TABLE account (id BIGINT AUTO_INCREMENT PRIMARY KEY, owner VARCHAR(40), balance DECIMAL(14,2), "
                        + "at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6))",
                "CREATE TABLE audit (id INT PRIMARY KEY, note VARCHAR(40))",
                "INSERT INTO account (owner, balance) SELECT concat('o', seq), seq FROM seq_1_to_" + rows,
                "INSERT INTO audit SELECT seq, concat('n', seq) FROM seq_1_to_1000");
        return bank;
    }

    @Override
    void onDestination(String database, String... statements) throws Exception {
        Sql.execute(destination.superuser(), database, statements);
    }
}
