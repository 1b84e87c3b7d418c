package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.model.Position;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.testkit.LocalPostgres;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Do no harm, "never diverge silently": a replicated change that does not fit the destination stops replication
 * with DIVERGED (naming database, table, key and LSN, never other values), or is recorded under onDivergence:
 * RECORD with the destination taking the source's row; changes inside a table's copy window are never checked.
 */
@Timeout(120)
class PgDivergenceIT {
    private static final ReliabilityConfig RECORD = new ReliabilityConfig(null, null, null, null, DivergencePolicy.RECORD,
            null, null);

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    private static final String[] SCHEMA = {
            "CREATE TABLE acct (id int PRIMARY KEY, secret text)",
            "INSERT INTO acct VALUES (1, 'one'), (2, 'two')"};

    @Test
    void anUpdateOfARowDeletedBehindFerrysBackFailsWithDivergedNamingTableKeyAndPosition() {
        try (var f = CdcFixture.create(pg, dest, SCHEMA)) {
            CdcFixture.execute(f.destination, "DELETE FROM acct WHERE id = 2");
            f.source.execute("INSERT INTO acct VALUES (3, 'three')", "UPDATE acct SET secret = 'hush-hush' WHERE id = 2");

            assertThatThrownBy(f::catchUp).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
                assertThat(e.getMessage()).contains("database " + f.source.name(), "table public.acct", "UPDATE",
                        "found no row", "key (id)=(2)", "source position LSN ", "onDivergence", "RECORD")
                        .doesNotContain("hush-hush", "two");
            });
            // The update's partition rolled back its share of the batch; another partition may have committed the insert.
            assertThat(f.destinationValue("SELECT count(*) FROM acct WHERE id IN (1, 2)")).as("the batch was rolled back")
                    .isEqualTo(1L);
            assertThat(f.destinationValue("SELECT count(*) FROM acct WHERE secret = 'hush-hush'")).isEqualTo(0L);
        }
    }

    @Test
    void anInsertOfAKeyInsertedBehindFerrysBackFailsWithDiverged() {
        try (var f = CdcFixture.create(pg, dest, SCHEMA)) {
            CdcFixture.execute(f.destination, "INSERT INTO acct VALUES (7, 'planted')");
            f.source.execute("INSERT INTO acct VALUES (7, 'from the source')");

            assertThatThrownBy(f::catchUp).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
                assertThat(e.getMessage()).contains("table public.acct", "INSERT", "already exists", "key (id)=(7)", "LSN ")
                        .doesNotContain("planted", "from the source");
            });
        }
    }

    @Test
    void aDeleteOfAMissingRowWithoutPrimaryKeyFailsWithoutShowingItsValues() {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE loose (a int, note text)", "ALTER TABLE loose REPLICA IDENTITY FULL",
                "INSERT INTO loose VALUES (1, 'private')")) {
            CdcFixture.execute(f.destination, "DELETE FROM loose");
            f.source.execute("DELETE FROM loose WHERE a = 1");

            assertThatThrownBy(f::catchUp).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
                assertThat(e.getMessage()).contains("table public.loose", "DELETE", "without a primary key")
                        .doesNotContain("private");
            });
        }
    }

    @Test
    void anUpdateHittingAnotherRowsUniqueValueFailsWithDiverged() {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE member (id int PRIMARY KEY, email text UNIQUE)",
                "INSERT INTO member VALUES (1, 'a@x'), (2, 'b@x')")) {
            CdcFixture.execute(f.destination, "UPDATE member SET email = 'c@x' WHERE id = 2");
            f.source.execute("UPDATE member SET email = 'c@x' WHERE id = 1");

            assertThatThrownBy(f::catchUp).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DIVERGED);
                assertThat(e.getMessage()).contains("table public.member", "UPDATE", "unique key", "key (id)=(1)")
                        .doesNotContain("c@x");
            });
        }
    }

    @Test
    void underRecordReplicationGoesOnReportsEachBatchAndTheDestinationTakesTheSourcesRows() throws Exception {
        try (var f = CdcFixture.create(pg, dest, SCHEMA[0], SCHEMA[1], "INSERT INTO acct SELECT g, 'v' || g FROM generate_series(3, 6) g")) {
            CdcFixture.execute(f.destination, "DELETE FROM acct WHERE id IN (2, 3, 4)", "INSERT INTO acct VALUES (7, 'planted')");
            f.source.execute("UPDATE acct SET secret = 'new two' WHERE id = 2",
                    "INSERT INTO acct VALUES (7, 'source seven'), (8, 'eight')",
                    "DELETE FROM acct WHERE id = 3",
                    "UPDATE acct SET id = 40 WHERE id = 4",
                    "UPDATE acct SET secret = 'still fine' WHERE id = 5");

            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = PgReplication.open(withPolicy(f, f.request.start(), Map.of()), Clock.systemUTC())) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
            }

            assertThat(recorder.diverged).hasSize(4).anySatisfy(d -> assertThat(d).contains("public.acct", "UPDATE", "(id)=(2)"))
                    .anySatisfy(d -> assertThat(d).contains("INSERT", "(id)=(7)", "replaced by the source's row"))
                    .anySatisfy(d -> assertThat(d).contains("DELETE", "(id)=(3)"))
                    .anySatisfy(d -> assertThat(d).contains("UPDATE", "(id)=(4)", "new row was inserted"));
            assertThat(f.destinationHashes("acct")).isEqualTo(f.sourceHashes("acct"));
        }
    }

    @Test
    void changesInsideATablesCopyWindowAreNotChecked() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE late (id int PRIMARY KEY, v text)")) {
            f.source.execute("INSERT INTO late VALUES (1, 'a'), (2, 'b')", "DELETE FROM late WHERE id = 2",
                    "UPDATE late SET v = 'a2' WHERE id = 1");
            Position copiedAt;
            try (PgReplication probe = f.open()) {
                copiedAt = probe.sourceHead();
            }
            // The later copy holds the table as it was at copiedAt: row 1 updated, row 2 gone.
            CdcFixture.execute(f.destination, "INSERT INTO late VALUES (1, 'a2')");
            f.source.execute("UPDATE late SET v = 'a3' WHERE id = 1", "INSERT INTO late VALUES (3, 'c')");

            var request = new ReplicationRequest(f.job, f.source.name(), pg.superuser(), dest.superuser(), f.request.start(),
                    Map.of(new TableRef("public", "late"), copiedAt));
            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = PgReplication.open(request, Clock.systemUTC())) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
            }

            assertThat(recorder.diverged).isEmpty();
            assertThat(f.destinationHashes("late")).isEqualTo(f.sourceHashes("late"));
        }
    }

    private static ReplicationRequest withPolicy(CdcFixture f, Position start, Map<TableRef, Position> copiedAt) {
        return new ReplicationRequest(f.job, f.source.name(), pg.superuser(), dest.superuser(), start, copiedAt, RECORD);
    }
}
