package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
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

    private static final int BIG_ROWS = 50_000;

    private InProcessFerry ferry;

    @BeforeEach
    void startFerry() {
        ferry = InProcessFerry.start();
    }

    @AfterEach
    void stopFerry() {
        ferry.close();
    }

    @Test
    @Timeout(420)
    void capturedSchemaChangesReplayExactlyAndPromotionRemovesTheCapture() throws Exception {
        TestDatabase db = SchemaChangeScenario.shop(pg, BIG_ROWS);
        SchemaChangeScenario.start(ferry, db, destination.superuser(), "capture-cdc", CAPTURE);
        SchemaChangeScenario.awaitReplicating(ferry, "capture-cdc");
        assertThat(captureObjects(db)).isPositive();
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        var failure = new AtomicReference<Exception>();
        Thread writer = SchemaChangeScenario.writer(db, BIG_ROWS, stop, writes, failure);
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > 200);
        SchemaChangeScenario.changeSchema(db);
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

        SchemaChangeScenario.promoteAndCompare(ferry, dst, db, "capture-cdc");
        assertThat(captureObjects(db)).isZero();
        // The full load copied neither the capture table nor the triggers.
        assertThat(Sql.one(dst, db.name(), "SELECT (SELECT count(*) FROM pg_event_trigger) + (SELECT count(*) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ferry' AND c.relname LIKE 'ddl%')"))
                .isEqualTo("0");
    }

    @Test
    @Timeout(300)
    void deletingAJobRemovesItsCaptureFromTheSource() {
        TestDatabase db = SchemaChangeScenario.shop(pg, BIG_ROWS);
        SchemaChangeScenario.start(ferry, db, destination.superuser(), "capture-delete", CAPTURE);
        SchemaChangeScenario.awaitReplicating(ferry, "capture-delete");
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
}
