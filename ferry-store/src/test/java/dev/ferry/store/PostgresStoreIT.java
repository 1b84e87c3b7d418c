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

    @Test
    void aStoreSessionLeftInsideATransactionIsEndedByTheServerAndItsRowLocksWithIt() throws Exception {
        // A node frozen in the middle of a store transaction: its session holds a row lock and sends nothing more.
        store.appendEvent("job", T0, Severity.INFO, "a row to lock");
        try (var pool = ((JdbcStore) store).openSidePool("frozen-node", 1); var held = pool.getConnection();
                var other = database.open(); var st = other.createStatement()) {
            assertThat(held.getAutoCommit()).isFalse();
            try (var lock = held.createStatement()) {
                try (var rows = lock.executeQuery("SELECT * FROM job_events FOR UPDATE")) {
                    assertThat(rows.next()).isTrue();
                }
            }
            // Another node's write of the same row gets through once the server ended the stalled session, well within
            // a lock wait far longer than that.
            long waitSeconds = Database.STALLED_TRANSACTION.toSeconds() * 3;
            st.execute("SET lock_timeout = '" + waitSeconds + "s'");
            long started = System.nanoTime();
            st.executeQuery("SELECT * FROM job_events FOR UPDATE").close();
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(Database.STALLED_TRANSACTION.minusSeconds(1))
                    .isLessThan(java.time.Duration.ofSeconds(waitSeconds));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> held.createStatement().executeQuery("SELECT 1"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
    }
}
