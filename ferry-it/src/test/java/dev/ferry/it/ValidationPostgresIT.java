package dev.ferry.it;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.LocalPostgres;
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

/** {@link ValidationScenario} on PostgreSQL, the fidelity test's every-type database included. */
@Timeout(600)
class ValidationPostgresIT extends ValidationScenario {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    /** The engine's fidelity database: every type, every object kind. */
    private static final Path FIDELITY = Path.of("../ferry-engine-postgres/src/test/resources/dev/ferry/engine/postgres/fidelity-source.sql");

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
        TestDatabase source = pg.freshDatabase();
        String role = "val_" + source.name();
        Sql.execute(pg.superuser(), "postgres", "CREATE ROLE " + Dialect.POSTGRESQL.quote(role));
        Sql.execute(destination.superuser(), "postgres", "CREATE ROLE " + Dialect.POSTGRESQL.quote(role));
        source.execute(Files.readString(FIDELITY).replace("OWNER_ROLE", Dialect.POSTGRESQL.quote(role)).split(";\n"));
        source.execute("CREATE TABLE t_update (id int PRIMARY KEY, v text, at timestamptz DEFAULT '2024-01-01')",
                "CREATE TABLE t_delete (id int PRIMARY KEY, v text)",
                "CREATE TABLE t_insert (id int PRIMARY KEY, v text)",
                "CREATE TABLE t_default (id int PRIMARY KEY, v text DEFAULT 'a')",
                "CREATE TABLE t_index (id int PRIMARY KEY, v text)",
                "CREATE INDEX t_index_v ON t_index (v)",
                "CREATE SEQUENCE s_counter",
                "SELECT setval('s_counter', 42)",
                "INSERT INTO t_update (id, v) SELECT g, 'v' || g FROM generate_series(1, 5000) g",
                "INSERT INTO t_delete SELECT g, 'v' || g FROM generate_series(1, 5000) g",
                "INSERT INTO t_insert SELECT g, 'v' || g FROM generate_series(1, 5000) g",
                "INSERT INTO t_default SELECT g, 'v' || g FROM generate_series(1, 100) g",
                "INSERT INTO t_index SELECT g, 'v' || g FROM generate_series(1, 100) g");
        return source;
    }

    @Override
    DatabaseConnection destination() {
        return destination.superuser();
    }

    @Override
    List<String> tamper() {
        return List.of("UPDATE t_update SET v = 'changed' WHERE id = 42", "DELETE FROM t_delete WHERE id = 4242",
                "INSERT INTO t_insert VALUES (9999, 'new')", "ALTER TABLE t_default ALTER v SET DEFAULT 'b'",
                "DROP INDEX t_index_v", "SELECT setval('s_counter', 500)");
    }

    @Override
    String tableName(String database, String table) {
        return database + ".public." + table;
    }

    @Override
    String counterName() {
        return "s_counter";
    }

    @Override
    TestDatabase bankSource(int rows) {
        TestDatabase bank = pg.freshDatabase();
        bank.execute("CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2), at timestamptz DEFAULT now())",
                "CREATE TABLE audit (id int PRIMARY KEY, note text)",
                "INSERT INTO account (owner, balance) SELECT 'o' || g, g FROM generate_series(1, " + rows + ") g",
                "INSERT INTO audit SELECT g, 'n' || g FROM generate_series(1, 1000) g");
        return bank;
    }

    @Override
    void onDestination(String database, String... statements) throws Exception {
        try (Connection c = Sql.connect(destination.superuser(), database); var s = c.createStatement()) {
            // The demoted destination is read-only by default: this session writes as Ferry does.
            s.execute("SET default_transaction_read_only = off");
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
