package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Severity;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on PostgreSQL: each test gets a fresh database on the shared test server. */
class PostgresStoreIT extends StoreContract {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    private TestDatabase database;

    @Override
    StoreConfig freshStore(Path home) {
        database = pg.freshDatabase();
        DatabaseConnection superuser = database.connection();
        return new StoreConfig(home, database.jdbcUrl(), superuser.username(), superuser.password());
    }

    @Test
    void schemaIsCreatedByFlywayInTheConfiguredDatabase() {
        long migrations;
        try (var files = java.nio.file.Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(migrations).isGreaterThanOrEqualTo(5);
        assertThat(database.queryLong("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(migrations);
        assertThat(database.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_name = 'installation'")).isEqualTo(1);
        assertThat(database.queryLong("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_name IN ('connection_profiles', 'migration_jobs', 'job_objects', 'operations', "
                + "'job_events', 'checkpoints')")).isEqualTo(6);
    }

    @Test
    void timesAreStoredAsTimestampWithTimeZone() {
        store.appendEvent("job", T0, Severity.INFO, "hello");

        assertThat(database.query("SELECT data_type FROM information_schema.columns "
                + "WHERE table_name = 'job_events' AND column_name = 'event_time'"))
                .containsExactly(List.of("timestamp with time zone"));
        assertThat(database.queryLong("SELECT count(*) FROM job_events WHERE event_time = '2025-03-01T10:15:30.123456Z'"))
                .isEqualTo(1);
    }
}
