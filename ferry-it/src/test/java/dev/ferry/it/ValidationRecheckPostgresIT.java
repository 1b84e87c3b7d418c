package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.validate.ReplicationClock;
import dev.ferry.control.validate.Validator;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.model.Validation;
import dev.ferry.core.model.Validation.Status;
import dev.ferry.core.model.ValidationMode;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * While a job replicates, a range whose rows keep changing is reported INCONCLUSIVE, never CLEAN and never DIFFERENT:
 * the engine's validation on real PostgreSQL servers, with a replication that never catches up with the source.
 */
@Timeout(120)
class ValidationRecheckPostgresIT {
    @RegisterExtension
    static final LocalPostgres source = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    private static final List<TableRef> TABLES = List.of(new TableRef("public", "moving"), new TableRef("public", "still"));

    /**
     * A replication always one change behind a source that is written each time validation waits for it: the source
     * commits {@code a<n>} then {@code b<n>} to row 7 of {@code moving}, the destination gets {@code a<n>} (a value no
     * read of the source sees, the ranges being compared one after the other), and the wait says it caught up.
     */
    private static final class OneChangeBehind implements ReplicationClock {
        private final String database;
        private final AtomicInteger changes = new AtomicInteger();

        OneChangeBehind(String database) {
            this.database = database;
        }

        @Override
        public Position head(String db) {
            return new Position.PgLsn(changes.get());
        }

        @Override
        public boolean awaitApplied(String db, Position position, Duration timeout) {
            int n = changes.incrementAndGet();
            try {
                Sql.execute(source.superuser(), database, "UPDATE moving SET v = 'a%d' WHERE id = 7".formatted(n),
                        "UPDATE moving SET v = 'b%d' WHERE id = 7".formatted(n));
                Sql.execute(destination.superuser(), database, "UPDATE moving SET v = 'a%d' WHERE id = 7".formatted(n));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return true;
        }
    }

    /** A replication that never applies what the source holds in time. */
    private record NeverCaughtUp() implements ReplicationClock {
        @Override
        public Position head(String db) {
            return new Position.PgLsn(1);
        }

        @Override
        public boolean awaitApplied(String db, Position position, Duration timeout) {
            return false;
        }
    }

    /** Tables moving and still, 500 equal rows each, in a database of the same name on both servers. */
    private static String database() throws SQLException {
        TestDatabase db = source.freshDatabase();
        Sql.execute(destination.superuser(), "postgres", "CREATE DATABASE \"%s\"".formatted(db.name()));
        for (DatabaseConnection server : List.of(source.superuser(), destination.superuser())) {
            Sql.execute(server, db.name(), "CREATE TABLE moving (id int PRIMARY KEY, v text)",
                    "CREATE TABLE still (id int PRIMARY KEY, v text)",
                    "INSERT INTO moving SELECT g, 'v' || g FROM generate_series(1, 500) g",
                    "INSERT INTO still SELECT g, 'v' || g FROM generate_series(1, 500) g");
        }
        return db.name();
    }

    private static Validation validate(String database, ReplicationClock replication) throws InterruptedException {
        Instant now = Instant.now();
        var job = new MigrationJob("recheck", null, Map.of(), JobType.CONTINUOUS, "src", "dst", null, new PerformanceConfig(1),
                JobState.RUNNING, Phase.CDC, null, now, now, now, null);
        var start = new Validation("v1", job.name(), null, ValidationMode.DATA, null, Status.PENDING, "validation",
                now, null, 0, 0, 0, 0, List.of(), List.of());
        // One session: the tables' ranges are compared one after the other.
        var request = new Validator.Request(job, source.superuser(), destination.superuser(), Map.of(database, TABLES),
                ValidationMode.DATA, replication, null, false, false, 1, null);
        return new Validator(new PostgresEngine(), Clock.systemUTC()).run(start, request, v -> {});
    }

    private static Validation.TableResult table(Validation v, String name) {
        return v.tableResults().stream().filter(t -> t.table().endsWith(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + name + " in " + v));
    }

    @Test
    void aRowThatKeepsChangingThroughEveryRecheckIsInconclusiveNeverCleanNorDifferent() throws Exception {
        String database = database();
        var replication = new OneChangeBehind(database);

        Validation v = validate(database, replication);

        assertThat(v.status()).as(v.toString()).isEqualTo(Status.INCONCLUSIVE);
        var moving = table(v, "moving");
        assertThat(moving.status()).as(moving.toString()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(moving.note()).contains("kept changing through 4 re-checks");
        assertThat(table(v, "still").status()).isEqualTo(Status.CLEAN);
        // The first comparison, the listing of its rows, then each of the four re-checks waited for replication.
        assertThat(replication.changes.get()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aReplicationThatNeverCatchesUpLeavesEveryRangeInconclusive() throws Exception {
        String database = database();
        Sql.execute(destination.superuser(), database, "UPDATE moving SET v = 'tampered' WHERE id = 7");

        Validation v = validate(database, new NeverCaughtUp());

        assertThat(v.status()).as(v.toString()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(v.tableResults()).hasSize(2).allSatisfy(t -> {
            assertThat(t.status()).as(t.toString()).isEqualTo(Status.INCONCLUSIVE);
            assertThat(t.note()).contains("replication did not apply");
        });
    }
}
