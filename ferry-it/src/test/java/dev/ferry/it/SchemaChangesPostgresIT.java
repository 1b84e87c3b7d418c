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
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes on a PostgreSQL source while a continuous job runs under write load: a column added with a default
 * to a big table, a column retyped (int to bigint), a column dropped, a table created and written to, an index, a view
 * and a function created, a table dropped. Before promotion the destination already has the new column, the new type
 * and the new table with its rows; after promotion both sides are equal: rows, content hashes and a normalised
 * {@code pg_dump --schema-only}. Once with the DDL while changes stream, once while the full load copies.
 */
class SchemaChangesPostgresIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    /** Slow reads keep the full load going while the DDL comes. */
    private static final ReliabilityConfig SLOW_READS = new ReliabilityConfig(null, null, null, null, null, null, 3_000_000L);

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
                "INSERT INTO big SELECT g, g % 100, 'l' || g, md5(g::text) FROM generate_series(1, 200000) g",
                "INSERT INTO orders (big_id, amount) SELECT g, g FROM generate_series(1, 5000) g",
                "INSERT INTO scratch SELECT g, 'v' FROM generate_series(1, 100) g");
        return db;
    }

    /** Inserts orders and updates big rows until told to stop. */
    private static Thread writer(TestDatabase db, AtomicBoolean stop, AtomicLong writes, AtomicReference<Exception> failure) {
        return Thread.ofVirtual().start(() -> {
            try (Connection c = db.open();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO orders (big_id, amount) VALUES (?, ?)");
                    PreparedStatement update = c.prepareStatement("UPDATE big SET payload = md5(random()::text) WHERE id = ?")) {
                var random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    insert.setInt(1, 1 + random.nextInt(200_000));
                    insert.setInt(2, random.nextInt(1000));
                    insert.executeUpdate();
                    update.setInt(1, 1 + random.nextInt(200_000));
                    update.executeUpdate();
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
    }

    private static void changeSchema(TestDatabase db) {
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

    @Test
    @Timeout(420)
    void schemaChangesDuringReplicationReachTheDestinationBeforePromotion() throws Exception {
        TestDatabase db = shop();
        start(db, "evolve-cdc", ReliabilityConfig.DEFAULT);
        awaitReplicating("evolve-cdc");
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        var failure = new AtomicReference<Exception>();
        Thread writer = writer(db, stop, writes, failure);
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > 200);
        changeSchema(db);
        long after = writes.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > after + 200);

        DatabaseConnection dst = destination.superuser();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
            assertThat(ferry.control().jobs().get("evolve-cdc").state()).isEqualTo(JobState.RUNNING);
            assertThat(Sql.column(dst, db.name(), "SELECT attname FROM pg_attribute WHERE attrelid = 'big'::regclass "
                    + "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).containsExactly("id", "qty", "payload", "note");
            assertThat(Sql.one(dst, db.name(), "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                    + "WHERE attrelid = 'orders'::regclass AND attname = 'amount'")).isEqualTo("bigint");
            assertThat(Sql.one(dst, db.name(), "SELECT count(*) FROM fresh")).isEqualTo("1001");
            assertThat(Sql.one(dst, db.name(), "SELECT to_regclass('scratch') IS NULL")).isEqualTo("t");
        });
        stop.set(true);
        writer.join();
        assertThat(failure.get()).isNull();
        promoteAndCompare(db, "evolve-cdc");
    }

    @Test
    @Timeout(420)
    void schemaChangesDuringTheFullLoadEndEqualToo() throws Exception {
        TestDatabase db = shop();
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        var failure = new AtomicReference<Exception>();
        Thread writer = writer(db, stop, writes, failure);
        start(db, "evolve-load", SLOW_READS);
        DdlDuringCopy.awaitCopying(ferry, "evolve-load", "big");
        changeSchema(db);
        awaitReplicating("evolve-load");
        stop.set(true);
        writer.join();
        assertThat(failure.get()).isNull();
        promoteAndCompare(db, "evolve-load");
    }

    private void start(TestDatabase db, String job, ReliabilityConfig reliability) {
        ferry.profile("src", db.connection());
        ferry.profile("dst", destination.superuser());
        ferry.control().jobs().create(new JobRequest(job, null, null, JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(2), false, reliability), null);
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
        assertThat(normalisedSchema(dst, db.name())).isEqualTo(normalisedSchema(db.connection(), db.name()));
    }

    /** {@code pg_dump --schema-only} without comments, settings, psql meta-commands and blank lines. */
    static String normalisedSchema(DatabaseConnection server, String database) throws IOException, InterruptedException {
        var pb = new ProcessBuilder(PgTools.locate().pgDump().toString(), "--schema-only", "--no-owner", "--no-privileges",
                "--host", server.host(), "--port", Integer.toString(server.port()), "--username", server.username(), database);
        pb.environment().put("PGPASSWORD", server.password() == null ? "" : server.password().reveal());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank() && !l.startsWith("--") && !l.startsWith("SET ") && !l.startsWith("\\")
                && !l.startsWith("SELECT pg_catalog.set_config")).collect(Collectors.joining("\n"));
    }
}
