package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.MigrationJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store of a throw-away command: in memory, its schema made from the scripts without Flyway. */
class InMemoryStoreTest {
    @TempDir
    Path home;

    @Test
    void schemaIsTheOneFlywayBuildsOnDisk() throws SQLException {
        StoreConfig onDisk = StoreConfig.embedded(home.resolve("disk"));
        JdbcStore.open(onDisk).close();
        List<String> expected;
        try (Connection c = DriverManager.getConnection(onDisk.effectiveUrl(), onDisk.effectiveUser(), "")) {
            expected = schema(c);
        }

        StoreConfig inMemory = StoreConfig.inMemory(home.resolve("memory"));
        try (JdbcStore store = JdbcStore.open(inMemory);
                Connection c = DriverManager.getConnection(inMemory.effectiveUrl(), inMemory.effectiveUser(), "")) {
            assertThat(store.installationId()).matches("[a-z0-9]{8}");
            assertThat(schema(c)).isNotEmpty().isEqualTo(expected);
        }
    }

    @Test
    void keepsWhatItIsGivenWhileOpenAndWritesNoStoreToDisk() throws Exception {
        StoreConfig config = StoreConfig.inMemory(home);
        try (JdbcStore store = JdbcStore.open(config)) {
            store.insertProfile(StoreContract.profile("src", StoreContract.pgConnection("secret-pw")));
            store.insertProfile(StoreContract.profile("dest", StoreContract.pgConnection("pw")));
            store.insertJob(StoreContract.job("move"));

            assertThat(store.findProfile("src").orElseThrow().connection().password().reveal()).isEqualTo("secret-pw");
            assertThat(store.listJobs()).extracting(MigrationJob::name).containsExactly("move");
        }
        try (var entries = Files.list(home)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("secret.key");
        }
    }

    @Test
    void twoStoresInOneProcessAreSeparate() {
        try (JdbcStore first = JdbcStore.open(StoreConfig.inMemory(home.resolve("a")));
                JdbcStore second = JdbcStore.open(StoreConfig.inMemory(home.resolve("b")))) {
            first.insertProfile(StoreContract.profile("src", StoreContract.pgConnection("pw")));

            assertThat(first.findProfile("src")).isPresent();
            assertThat(second.findProfile("src")).isEmpty();
        }
    }

    @Test
    void scriptsAreOrderedByVersionNumberNotByName() {
        assertThat(SchemaScripts.compareVersions("2", "10")).isNegative();
        assertThat(SchemaScripts.compareVersions("1.2", "1.10")).isNegative();
        assertThat(SchemaScripts.compareVersions("1", "1.1")).isNegative();
        assertThat(SchemaScripts.compareVersions("5", "5")).isZero();
        assertThat(SchemaScripts.list("db/migration")).extracting(SchemaScripts.Script::version)
                .startsWith("1", "2", "3", "4", "5");
    }

    /** Every column of the store's tables (name, type, nullability, default) and every constraint, sorted. */
    private static List<String> schema(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet columns = s.executeQuery("""
                        SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
                        FROM information_schema.columns
                        WHERE table_schema = 'PUBLIC' AND table_name <> 'flyway_schema_history'
                        ORDER BY 1, 2""")) {
            while (columns.next()) {
                rows.add(String.join("|", columns.getString(1), columns.getString(2), columns.getString(3),
                        columns.getString(4), columns.getString(5)));
            }
        }
        try (Statement s = c.createStatement();
                ResultSet constraints = s.executeQuery("""
                        SELECT tc.table_name, tc.constraint_type, kcu.column_name
                        FROM information_schema.table_constraints tc
                        JOIN information_schema.key_column_usage kcu
                          ON kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
                        WHERE tc.table_schema = 'PUBLIC' AND tc.table_name <> 'flyway_schema_history'
                        ORDER BY 1, 2, 3""")) {
            while (constraints.next()) {
                rows.add(String.join("|", constraints.getString(1), constraints.getString(2), constraints.getString(3)));
            }
        }
        try (Statement s = c.createStatement();
                ResultSet indexes = s.executeQuery("""
                        SELECT table_name, index_name, index_type_name
                        FROM information_schema.indexes
                        WHERE table_schema = 'PUBLIC' AND table_name <> 'flyway_schema_history'
                          AND index_name NOT LIKE 'PRIMARY_KEY%' AND index_name NOT LIKE 'CONSTRAINT%'
                        ORDER BY 1, 2""")) {
            while (indexes.next()) {
                rows.add(String.join("|", indexes.getString(1), indexes.getString(2), indexes.getString(3)));
            }
        }
        return rows;
    }
}
