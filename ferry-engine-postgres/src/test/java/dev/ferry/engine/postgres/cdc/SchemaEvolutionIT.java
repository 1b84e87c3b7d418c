package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.testkit.LocalPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes on the source while changes stream: the destination evolves (columns added with the values rows that
 * predate them hold, retyped, dropped, renamed), tables created on the source appear with their rows, a table the
 * source rewrote without decoded changes is copied again, a new partition is attached, a dropped table goes; an ambiguous rename stops the job.
 */
@Timeout(240)
class SchemaEvolutionIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private static List<List<Object>> columns(dev.ferry.core.model.DatabaseConnection db, String table) {
        return CdcFixture.query(db, "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                + "'public." + table + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
    }

    @Test
    void columnsAndTablesFollowTheSourceWhileChangesStream() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE accounts (id int PRIMARY KEY, a int NOT NULL, b text, c int)",
                "CREATE TABLE doomed (id int PRIMARY KEY)",
                "CREATE TABLE rewritten (id int PRIMARY KEY, v int)",
                "CREATE TABLE measures (id int, k int, PRIMARY KEY (id, k)) PARTITION BY RANGE (k)",
                "CREATE TABLE measures_low PARTITION OF measures FOR VALUES FROM (0) TO (10)")) {
            f.source.execute("INSERT INTO accounts SELECT g, g, 'b' || g, g FROM generate_series(1, 2000) g",
                    "INSERT INTO rewritten SELECT g, g FROM generate_series(1, 500) g");
            f.catchUp();
            var recorder = new CdcFixture.Recorder();
            PgReplication replication = f.open();
            var running = CdcFixture.Background.start(replication, recorder);

            f.source.execute("ALTER TABLE accounts ADD COLUMN note text DEFAULT 'n'",
                    "UPDATE accounts SET note = 'changed' WHERE id <= 10",
                    "INSERT INTO accounts (id, a, b, c) VALUES (5001, 1, 'x', 1)");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(columns(f.destination, "accounts"))
                    .contains(List.of("note", "text")));
            f.source.execute("ALTER TABLE accounts ALTER COLUMN a TYPE bigint",
                    "UPDATE accounts SET a = 5000000000 WHERE id = 1");
            f.source.execute("ALTER TABLE accounts DROP COLUMN c", "UPDATE accounts SET b = 'after drop' WHERE id = 2");
            f.source.execute("ALTER TABLE accounts RENAME COLUMN b TO bee", "UPDATE accounts SET bee = 'renamed' WHERE id = 3");
            f.source.execute("CREATE TABLE fresh (id int PRIMARY KEY, v text NOT NULL DEFAULT 'd')",
                    "INSERT INTO fresh SELECT g, 'v' || g FROM generate_series(1, 300) g",
                    "CREATE TABLE quiet (id bigserial PRIMARY KEY, w text)",
                    "INSERT INTO quiet (w) VALUES ('before any change was streamed')");
            f.source.execute("INSERT INTO fresh VALUES (301, 'streamed')", "DROP TABLE doomed");
            f.source.execute("CREATE TABLE measures_high PARTITION OF measures FOR VALUES FROM (10) TO (20)",
                    "INSERT INTO measures SELECT g, g % 20 FROM generate_series(1, 400) g");
            // A volatile default fills the new column for every row without a decoded change: the table is rewritten.
            f.source.execute("ALTER TABLE rewritten ADD COLUMN r double precision DEFAULT random()");

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                if (running.done().isCompletedExceptionally()) {
                    throw new IllegalStateException("replication failed", running.failure());
                }
                assertThat(columns(f.destination, "accounts")).containsExactly(List.of("id", "integer"), List.of("a", "bigint"),
                        List.of("bee", "text"), List.of("note", "text"));
                assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM pg_tables WHERE tablename = 'doomed'"))
                        .containsExactly(List.of(0L));
                assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM fresh")).containsExactly(List.of(301L));
                assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM quiet")).containsExactly(List.of(1L));
                assertThat(CdcFixture.query(f.destination, "SELECT count(r) FROM rewritten")).containsExactly(List.of(500L));
                assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM measures")).containsExactly(List.of(400L));
                assertThat(CdcFixture.query(f.destination, "SELECT count(*) FROM pg_inherits WHERE inhrelid = "
                        + "'measures_high'::regclass AND inhparent = 'measures'::regclass")).containsExactly(List.of(1L));
            });
            replication.stopAt(replication.sourceHead());
            running.await();
            replication.close();
            assertThat(f.destinationHashes("accounts", "fresh", "quiet", "rewritten", "measures_low", "measures_high"))
                    .isEqualTo(f.sourceHashes("accounts", "fresh", "quiet", "rewritten", "measures_low", "measures_high"));
            assertThat(CdcFixture.query(f.destination, "SELECT note, count(*) FROM accounts GROUP BY 1 ORDER BY 1"))
                    .containsExactly(List.of("changed", 10L), List.of("n", 1991L));
            assertThat(recorder.diverged).isEmpty();
        }
    }

    @Test
    void aJobThatKeepsDroppedColumnsKeepsThemWithoutNotNull() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE t (id int PRIMARY KEY, gone text NOT NULL, v int)")) {
            f.source.execute("INSERT INTO t VALUES (1, 'kept', 1)", "ALTER TABLE t DROP COLUMN gone", "INSERT INTO t VALUES (2, 2)");
            var r = f.request;
            var keep = new dev.ferry.core.spi.engine.ReplicationRequest(r.jobName(), r.database(), r.source(), r.destination(),
                    r.start(), r.copiedAt(), r.jobDatabases(), r.objects(),
                    new dev.ferry.core.model.ReliabilityConfig(null, null, null, null, null, null, null, null, true),
                    r.replicationObjects(), r.applyPartitions());
            try (PgReplication replication = PgReplication.open(keep, java.time.Clock.systemUTC())) {
                replication.stopAt(replication.sourceHead());
                replication.run(new CdcFixture.Recorder());
            }
            assertThat(columns(f.destination, "t")).containsExactly(List.of("id", "integer"), List.of("gone", "text"),
                    List.of("v", "integer"));
            assertThat(CdcFixture.query(f.destination, "SELECT id, gone, v FROM t ORDER BY id"))
                    .containsExactly(List.of(1, "kept", 1), java.util.Arrays.asList(2, null, 2));
        }
    }

    @Test
    void aColumnDroppedAndAnotherAddedInItsPlaceStopsTheJobWithAClearMessage() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE t (id int PRIMARY KEY, last text)")) {
            f.source.execute("INSERT INTO t VALUES (1, 'x')", "ALTER TABLE t DROP COLUMN last", "ALTER TABLE t ADD COLUMN first text",
                    "INSERT INTO t VALUES (2, 'y')");
            var failure = CdcFixture.Background.start(f.open(), new CdcFixture.Recorder()).failure();
            assertThat(failure).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CHANGED);
                assertThat(e.getMessage()).contains("public.t", "last", "first", "RENAME COLUMN");
            });
            assertThat(columns(f.destination, "t")).containsExactly(List.of("id", "integer"), List.of("last", "text"));
        }
    }
}
