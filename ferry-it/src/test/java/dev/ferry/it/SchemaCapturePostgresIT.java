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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes on a PostgreSQL source while a continuous job with DDL capture runs under write load: each statement
 * (a column added with a default, a column retyped, a column dropped, a table created and written to, an index, a view,
 * a function, a table dropped) is replayed on the destination, which therefore never copies the new table; after
 * promotion both sides are equal (rows, content hashes, normalised schema) and the source keeps no capture object.
 * Deleting a job removes its capture too.
 */
class SchemaCapturePostgresIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    private static final ReliabilityConfig CAPTURE = new ReliabilityConfig(null, null, null, null, null, null, null, true);

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    private static TestDatabase shop() {
        TestDatabase db = pg.freshDatabase();
        db.execute("CREATE TABLE big (id int PRIMARY KEY, qty int NOT NULL, legacy text, payload text)",
                "CREATE TABLE orders (id bigserial PRIMARY KEY, big_id int NOT NULL, amount int NOT NULL)",
                "CREATE TABLE scratch (id int PRIMARY KEY, v text)",
                "INSERT INTO big SELECT g, g % 100, 'l' || g, md5(g::text) FROM generate_series(1, 50000) g",
                "INSERT INTO orders (big_id, amount) SELECT g, g FROM generate_series(1, 5000) g",
                "INSERT INTO scratch SELECT g, 'v' FROM generate_series(1, 100) g");
        return db;
    }

    private static Thread writer(TestDatabase db, AtomicBoolean stop, AtomicLong writes, AtomicReference<Exception> failure) {
        return Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO orders (big_id, amount) VALUES (?, ?)");
                    PreparedStatement update = c.prepareStatement("UPDATE big SET payload = md5(random()::text) WHERE id = ?")) {
                var random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    insert.setInt(1, 1 + random.nextInt(50_000));
                    insert.setInt(2, random.nextInt(1000));
                    insert.executeUpdate();
                    update.setInt(1, 1 + random.nextInt(50_000));
                    update.executeUpdate();
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
    }

    @Test
    @Timeout(420)
    void capturedSchemaChangesReplayExactlyAndPromotionRemovesTheCapture() throws Exception {
        TestDatabase db = shop();
        start(db, "capture-cdc");
        awaitReplicating("capture-cdc");
        assertThat(captureObjects(db)).isPositive();
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        var failure = new AtomicReference<Exception>();
        Thread writer = writer(db, stop, writes, failure);
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > 200);
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
        long after = writes.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > after + 200);

        DatabaseConnection dst = destination.superuser();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
            var job = ferry.control().jobs().get("capture-cdc");
            assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.RUNNING);
            assertThat(Sql.column(dst, db.name(), "SELECT attname FROM pg_attribute WHERE attrelid = 'big'::regclass "
                    + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).containsExactly("id", "qty", "payload", "note");
            assertThat(Sql.one(dst, db.name(), "SELECT count(*) FROM fresh")).isEqualTo("1001");
            assertThat(Sql.one(dst, db.name(), "SELECT to_regclass('scratch') IS NULL")).isEqualTo("t");
            assertThat(Sql.one(dst, db.name(), "SELECT to_regprocedure('order_total(int)') IS NOT NULL")).isEqualTo("t");
        });
        stop.set(true);
        writer.join();
        assertThat(failure.get()).isNull();
        List<String> events = ferry.control().jobs().events("capture-cdc", 500).stream().map(JobEvent::message).toList();
        assertThat(events).filteredOn(e -> e.startsWith("Replayed DDL")).hasSize(8);
        assertThat(events).noneMatch(e -> e.startsWith("Created table") || e.startsWith("Evolved table"));

        promoteAndCompare(db, "capture-cdc");
        assertThat(captureObjects(db)).isZero();
        // The full load copied neither the capture table nor the triggers.
        assertThat(Sql.one(dst, db.name(), "SELECT (SELECT count(*) FROM pg_event_trigger) + (SELECT count(*) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ferry' AND c.relname LIKE 'ddl%')"))
                .isEqualTo("0");
    }

    @Test
    @Timeout(300)
    void deletingAJobRemovesItsCaptureFromTheSource() {
        TestDatabase db = shop();
        start(db, "capture-delete");
        awaitReplicating("capture-delete");
        assertThat(captureObjects(db)).isPositive();

        ferry.control().jobs().stop("capture-delete", null);
        ferry.awaitJob("capture-delete", EnumSet.of(JobState.STOPPED, JobState.FAILED), Duration.ofSeconds(60));
        ferry.control().jobs().delete("capture-delete", false, null);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(captureObjects(db)).isZero());
        db.execute("CREATE TABLE after_delete (id int)");
        assertThat(db.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).isZero();
    }

    /** Event triggers, and schema {@code ferry} with what is in it, on the source. */
    private static long captureObjects(TestDatabase db) {
        return db.queryLong("SELECT (SELECT count(*) FROM pg_event_trigger) + (SELECT count(*) FROM pg_namespace "
                + "WHERE nspname = 'ferry') + (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'ferry')");
    }

    private void start(TestDatabase db, String job) {
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.control().jobs().create(new JobRequest(job, null, null, JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2), false, CAPTURE), null);
        ferry.control().jobs().start(job, false, null);
    }

    private void awaitReplicating(String job) {
        await().atMost(Duration.ofSeconds(240)).until(() -> {
            var j = ferry.control().jobs().get(job);
            assertThat(j.state()).as("error: %s", j.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE;
        });
    }

    private void promoteAndCompare(TestDatabase db, String job) throws Exception {
        ferry.control().jobs().promote(job, null);
        var done = ferry.awaitJob(job, EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(180));
        assertThat(done.state()).as("error: %s; events: %s", done.error(), ferry.control().jobs().events(job, 200).stream()
                .map(JobEvent::message).toList()).isEqualTo(JobState.COMPLETED);
        DatabaseConnection dst = destination.superuser();
        List<String> tables = Sql.pgTables(db.connection(), db.name());
        assertThat(Sql.pgTables(dst, db.name())).containsExactlyInAnyOrderElementsOf(tables);
        for (String table : tables) {
            assertThat(Sql.one(dst, db.name(), "SELECT count(*) FROM " + table)).as(table)
                    .isEqualTo(Sql.one(db.connection(), db.name(), "SELECT count(*) FROM " + table));
            assertThat(Sql.pgTableHash(dst, db.name(), table)).as(table)
                    .isEqualTo(Sql.pgTableHash(db.connection(), db.name(), table));
        }
        assertThat(SchemaChangesPostgresIT.normalisedSchema(dst, db.name()))
                .isEqualTo(SchemaChangesPostgresIT.normalisedSchema(db.connection(), db.name()));
    }
}
