package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.testkit.LocalPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change pipeline's promises on real servers, with several apply partitions: a source transaction larger than a
 * batch is cut into several destination transactions and, interrupted in the middle, resumes exactly once; repeated
 * changes of hot rows reach the destination compacted; rows that trade values of a secondary unique key end equal.
 */
@Timeout(180)
class PgPipelineIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private static PgReplication open(CdcFixture f, int partitions) {
        ReplicationRequest request = f.request.withApplyPartitions(partitions);
        return (PgReplication) new PostgresEngine().openReplication(request);
    }

    private static void catchUp(CdcFixture f, int partitions) throws InterruptedException {
        try (PgReplication replication = open(f, partitions)) {
            replication.stopAt(replication.sourceHead());
            replication.run(new CdcFixture.Recorder());
        }
    }

    @Test
    void aTransactionLargerThanABatchInterruptedInTheMiddleResumesExactlyOnce() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE big (id int PRIMARY KEY, v text, n int NOT NULL DEFAULT 0)")) {
            f.source.execute("BEGIN; INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 300000) g; "
                    + "UPDATE big SET n = n + 1 WHERE id % 7 = 0; DELETE FROM big WHERE id % 11 = 0; COMMIT");
            var recorder = new CdcFixture.Recorder();
            try (PgReplication first = open(f, 3)) {
                var running = CdcFixture.Background.start(first, recorder);
                await().atMost(Duration.ofSeconds(60)).until(() -> recorder.rows("big") > 0);
                running.thread().interrupt();
                running.failure();
            }
            long partial = (Long) f.destinationValue("SELECT count(*) FROM ferry.replication_progress WHERE job = '" + f.job
                    + "' AND partial_txn IS NOT NULL");
            assertThat(partial).as("the interrupted run stopped inside the source transaction").isPositive();
            catchUp(f, 3);
            assertThat(f.destinationValue("SELECT count(*) FROM big")).isEqualTo(300_000L - 300_000 / 11);
            assertThat(f.destinationHashes("big")).isEqualTo(f.sourceHashes("big"));
        }
    }

    @Test
    void hotRowsReachTheDestinationCompacted() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE branches (id int PRIMARY KEY, balance bigint NOT NULL)",
                "CREATE TABLE history (id bigserial PRIMARY KEY, branch int, delta int)",
                "INSERT INTO branches SELECT g, 0 FROM generate_series(1, 5) g")) {
            // Counts the row writes the destination receives, whatever session makes them.
            CdcFixture.execute(f.destination, "CREATE TABLE writes (n bigint NOT NULL)", "INSERT INTO writes VALUES (0)",
                    "CREATE FUNCTION count_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE writes SET n = n + 1; "
                            + "RETURN NULL; END $$",
                    "CREATE TRIGGER count_write AFTER UPDATE ON branches FOR EACH ROW EXECUTE FUNCTION count_write()",
                    "ALTER TABLE branches ENABLE ALWAYS TRIGGER count_write");
            StringBuilder load = new StringBuilder("DO $$ BEGIN FOR i IN 1..3000 LOOP ");
            load.append("UPDATE branches SET balance = balance + i WHERE id = 1 + i % 5; ");
            load.append("INSERT INTO history (branch, delta) VALUES (1 + i % 5, i); COMMIT; END LOOP; END $$");
            f.source.execute(load.toString());
            catchUp(f, 4);
            assertThat(f.destinationHashes("branches", "history")).isEqualTo(f.sourceHashes("branches", "history"));
            long writes = (Long) f.destinationValue("SELECT n FROM writes");
            assertThat(writes).as("3,000 source updates of 5 rows").isLessThan(3_000 * 6 / 10);
        }
    }

    @Test
    void rowsTradingASecondaryUniqueKeyEndEqual() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE seats (id int PRIMARY KEY, code text NOT NULL UNIQUE, n int NOT NULL DEFAULT 0)",
                "INSERT INTO seats SELECT g, 'c' || g FROM generate_series(1, 20) g")) {
            f.source.execute("""
                    DO $$ DECLARE a int; b int; ca text; cb text; BEGIN FOR i IN 1..400 LOOP
                        a := 1 + i % 20; b := 1 + (i * 7) % 20;
                        IF a <> b THEN
                            SELECT code INTO ca FROM seats WHERE id = a; SELECT code INTO cb FROM seats WHERE id = b;
                            UPDATE seats SET code = 'tmp' WHERE id = a;
                            UPDATE seats SET code = ca, n = n + 1 WHERE id = b;
                            UPDATE seats SET code = cb, n = n + 1 WHERE id = a;
                        END IF;
                        COMMIT;
                    END LOOP; END $$""");
            catchUp(f, 4);
            assertThat(f.destinationHashes("seats")).isEqualTo(f.sourceHashes("seats"));
        }
    }
}
