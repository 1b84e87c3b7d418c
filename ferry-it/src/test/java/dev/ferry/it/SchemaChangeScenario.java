package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.job.JobRequest;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.engine.postgres.compare.SchemaComparer;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The schema-change scenario the PostgreSQL end-to-end tests share: a shop database with a big table, a writer that
 * inserts orders and updates big rows, the DDL the application deploys meanwhile, and the checks after promotion
 * (tables, row counts, content hashes and the normalised schema of both sides equal).
 */
final class SchemaChangeScenario {
    private SchemaChangeScenario() {}

    /** {@code bigRows} rows in {@code big}, 5,000 orders, and a {@code scratch} table the DDL drops. */
    static TestDatabase shop(LocalPostgres pg, int bigRows) {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE big (id int PRIMARY KEY, qty int NOT NULL, legacy text, payload text)",
                "CREATE TABLE orders (id bigserial PRIMARY KEY, big_id int NOT NULL, amount int NOT NULL)",
                "CREATE TABLE scratch (id int PRIMARY KEY, v text)",
                "INSERT INTO big SELECT g, g % 100, 'l' || g, md5(g::text) FROM generate_series(1, " + bigRows + ") g",
                "INSERT INTO orders (big_id, amount) SELECT g, g FROM generate_series(1, 5000) g",
                "INSERT INTO scratch SELECT g, 'v' FROM generate_series(1, 100) g");
        return db;
    }

    /** Inserts orders and updates big rows until told to stop; a failure is kept in {@code failure}. */
    static Thread writer(TestDatabase db, int bigRows, AtomicBoolean stop, AtomicLong writes, AtomicReference<Exception> failure) {
        return Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO orders (big_id, amount) VALUES (?, ?)");
                    PreparedStatement update = c.prepareStatement("UPDATE big SET payload = md5(random()::text) WHERE id = ?")) {
                var random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    insert.setInt(1, 1 + random.nextInt(bigRows));
                    insert.setInt(2, random.nextInt(1000));
                    insert.executeUpdate();
                    update.setInt(1, 1 + random.nextInt(bigRows));
                    update.executeUpdate();
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
    }

    /**
     * A column added with a default, a column retyped (int to bigint), a column dropped, a table created and written
     * to, an index, a view and a function created, a table dropped.
     */
    static void changeSchema(TestDatabase db) {
        db.execute("ALTER TABLE big ADD COLUMN note text DEFAULT 'n'",
                "ALTER TABLE orders ALTER COLUMN amount TYPE bigint",
                "INSERT INTO orders (big_id, amount) VALUES (1, 5000000000)",
                "ALTER TABLE big DROP COLUMN legacy",
                "CREATE TABLE fresh (id int PRIMARY KEY, label text NOT NULL DEFAULT 'f')",
                "INSERT INTO fresh SELECT g, 'l' || g FROM generate_series(1, 1000) g",
                "CREATE INDEX big_qty ON big (qty)",
                "CREATE VIEW big_notes AS SELECT id, note FROM big WHERE qty = 0",
                "CREATE FUNCTION order_total(b int) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT sum(amount) FROM orders WHERE big_id = b $$",
                "DROP TABLE scratch",
                "INSERT INTO fresh VALUES (1001, 'after')");
    }

    /** Creates and starts a continuous job {@code job} from {@code db} to {@code destination}. */
    static void start(InProcessFerry ferry, TestDatabase db, DatabaseConnection destination, String job,
            ReliabilityConfig reliability) {
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination);
        ferry.control().jobs().create(new JobRequest(job, null, null, JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2), false, reliability), null);
        ferry.control().jobs().start(job, false, null);
    }

    static void awaitReplicating(InProcessFerry ferry, String job) {
        await().atMost(Duration.ofSeconds(240)).until(() -> {
            var j = ferry.control().jobs().get(job);
            assertThat(j.state()).as("error: %s", j.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE;
        });
    }

    /** Promotes {@code job}, then checks that both sides hold the same tables, rows and schema. */
    static void promoteAndCompare(InProcessFerry ferry, DatabaseConnection dst, TestDatabase db, String job) throws Exception {
        ferry.control().jobs().promote(job, null);
        var done = ferry.awaitJob(job, EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(180));
        assertThat(done.state()).as("error: %s; events: %s", done.error(), ferry.control().jobs().events(job, 200).stream()
                .map(JobEvent::message).toList()).isEqualTo(JobState.COMPLETED);
        List<String> tables = Sql.pgTables(db.connection(), db.name());
        assertThat(Sql.pgTables(dst, db.name())).containsExactlyInAnyOrderElementsOf(tables);
        for (String table : tables) {
            assertThat(Sql.one(dst, db.name(), "SELECT count(*) FROM " + table)).as(table)
                    .isEqualTo(Sql.one(db.connection(), db.name(), "SELECT count(*) FROM " + table));
            assertThat(Sql.pgTableHash(dst, db.name(), table)).as(table)
                    .isEqualTo(Sql.pgTableHash(db.connection(), db.name(), table));
        }
        assertThat(SchemaComparer.canonicalSchema(PgTools.locate(), dst.withDatabase(db.name())))
                .isEqualTo(SchemaComparer.canonicalSchema(PgTools.locate(), db.connection()));
    }
}
