package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.testkit.LocalPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Changes made on the source after the slot's consistent point arrive on the destination, exactly. */
@Timeout(120)
class PgReplicationIT {
    private static final Logger log = LoggerFactory.getLogger(PgReplicationIT.class);

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    @Test
    void insertsUpdatesDeletesAndTruncatesOfManyTypesArriveIdentical() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE TABLE typed (id int PRIMARY KEY, b bigint, n numeric(20,6), t text, by bytea, j jsonb, js json, "
                        + "arr int[], tarr text[], ts timestamptz, tsl timestamp, u uuid, m mood, f boolean, d double precision, "
                        + "dt date, iv interval)",
                "CREATE TABLE wiped (id int PRIMARY KEY, v text)")) {
            f.source.execute(
                    "INSERT INTO typed SELECT g, g * 1000000007::bigint, g / 7.0, 'text ' || g || E' \\\\ '' \"q\" ü\\n✓', "
                            + "decode(md5(g::text), 'hex'), jsonb_build_object('k', g, 'a', jsonb_build_array(g, 'x', null)), "
                            + "json_build_object('x', g), ARRAY[g, g + 1], ARRAY['a' || g, NULL, 'c,d\"}'], "
                            + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour 1 second', "
                            + "timestamp '2024-03-01 12:00' + g * interval '1 day', md5(g::text)::uuid, "
                            + "(ARRAY['sad', 'ok', 'happy'])[g % 3 + 1]::mood, g % 2 = 0, g / 3.0, date '2024-01-01' + g, "
                            + "g * interval '1 minute' FROM generate_series(1, 300) g",
                    "UPDATE typed SET t = t || ' updated', n = n * 2, arr = arr || 99 WHERE id % 5 = 0",
                    "UPDATE typed SET b = NULL, j = NULL, d = 'NaN', ts = 'infinity' WHERE id % 7 = 0",
                    "DELETE FROM typed WHERE id % 11 = 0",
                    "UPDATE typed SET id = id + 1000 WHERE id % 13 = 0",
                    "INSERT INTO wiped SELECT g, 'v' || g FROM generate_series(1, 50) g",
                    "TRUNCATE wiped",
                    "INSERT INTO wiped VALUES (1, 'after truncate')");

            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = f.open()) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
                assertThat(replication.applied()).isEqualTo(recorder.applied.getLast());
            }

            assertThat(f.destinationHashes("typed", "wiped")).isEqualTo(f.sourceHashes("typed", "wiped"));
            assertThat(f.destinationValue("SELECT count(*) FROM typed")).isEqualTo(300L - 27);
            assertThat(f.destinationValue("SELECT v FROM wiped")).isEqualTo("after truncate");
            assertThat(recorder.rows("typed")).isEqualTo(300 + 60 + 42 + 27 + 21);
            assertThat(recorder.unsupported).isEmpty();
        }
    }

    @Test
    void anUnchangedToastedValueSurvivesAnUpdateOfAnotherColumn() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE toasty (id int PRIMARY KEY, big text, small int)",
                "ALTER TABLE toasty ALTER big SET STORAGE EXTERNAL")) {
            f.source.execute("INSERT INTO toasty SELECT g, (SELECT string_agg(md5(g::text || i::text), '') "
                            + "FROM generate_series(1, 400) i), 0 FROM generate_series(1, 5) g",
                    "UPDATE toasty SET small = small + 1",
                    "UPDATE toasty SET small = small + 1 WHERE id = 1");
            f.catchUp();

            assertThat(f.destinationValue("SELECT min(length(big)) FROM toasty")).isEqualTo(12_800);
            assertThat(f.destinationValue("SELECT sum(small) FROM toasty")).isEqualTo(6L);
            assertThat(f.destinationHashes("toasty")).isEqualTo(f.sourceHashes("toasty"));
        }
    }

    @Test
    void aTableWithoutKeyButWithReplicaIdentityFullReplicatesUpdatesAndDeletesOfDuplicateRows() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE TABLE nokey (a int, b text, j json)",
                "ALTER TABLE nokey REPLICA IDENTITY FULL")) {
            f.source.execute("INSERT INTO nokey VALUES (1, 'x', '{\"k\": 1}'), (1, 'x', '{\"k\": 1}'), (2, NULL, NULL)",
                    "UPDATE nokey SET b = 'y' WHERE ctid = (SELECT ctid FROM nokey WHERE a = 1 LIMIT 1)",
                    "UPDATE nokey SET b = 'z' WHERE a = 2",
                    "DELETE FROM nokey WHERE b = 'y'",
                    "INSERT INTO nokey VALUES (3, 'w', '[1, 2]')",
                    "DELETE FROM nokey WHERE a = 3");
            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = f.open()) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
            }

            assertThat(f.destinationValue("SELECT count(*) FROM nokey")).isEqualTo(2L);
            assertThat(f.destinationHashes("nokey")).isEqualTo(f.sourceHashes("nokey"));
            assertThat(recorder.unsupported).isEmpty();
        }
    }

    @Test
    void aColumnAddedOnBothSidesWhileRunningKeepsReplicationWorking() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE growing (id int PRIMARY KEY, a text)")) {
            var recorder = new CdcFixture.Recorder();
            try (PgReplication replication = f.open()) {
                var running = CdcFixture.Background.start(replication, recorder);
                f.source.execute("INSERT INTO growing VALUES (1, 'before')");
                await().atMost(Duration.ofSeconds(30)).until(() -> recorder.rows("growing") == 1);

                CdcFixture.execute(f.destination, "ALTER TABLE growing ADD COLUMN b int");
                f.source.execute("ALTER TABLE growing ADD COLUMN b int",
                        "INSERT INTO growing VALUES (2, 'after', 5)",
                        "UPDATE growing SET b = 7 WHERE id = 1",
                        "UPDATE growing SET a = 'changed' WHERE id = 2");
                replication.stopAt(replication.sourceHead());
                running.await();
            }

            assertThat(f.destinationHashes("growing")).isEqualTo(f.sourceHashes("growing"));
            assertThat(f.destinationValue("SELECT b FROM growing WHERE id = 1")).isEqualTo(7);
        }
    }

    @Test
    void aLargeTransactionIsAppliedInBoundedBatches() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE big (id int PRIMARY KEY, v text, n int)")) {
            f.source.execute("INSERT INTO big SELECT g, md5(g::text), 0 FROM generate_series(1, 200000) g",
                    "UPDATE big SET n = 1 WHERE id % 4 = 0");
            var recorder = new CdcFixture.Recorder();
            long started = System.nanoTime();
            try (PgReplication replication = f.open()) {
                replication.stopAt(replication.sourceHead());
                replication.run(recorder);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            log.atInfo().addKeyValue("rows", 250_000).addKeyValue("ms", ms)
                    .addKeyValue("rowsPerSecond", 250_000L * 1000 / Math.max(1, ms))
                    .log("large transactions applied");

            assertThat(f.destinationValue("SELECT count(*) FROM big")).isEqualTo(200_000L);
            assertThat(f.destinationHashes("big")).isEqualTo(f.sourceHashes("big"));
            assertThat(recorder.rows("big")).isEqualTo(250_000L);
        }
    }

    @Test
    void changesToATableCopiedAtALaterPositionAreSkippedUpToThatPosition() throws Exception {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE late (id int PRIMARY KEY, v text)",
                "CREATE TABLE early (id int PRIMARY KEY, v text)")) {
            f.source.execute("INSERT INTO late VALUES (1, 'in the later copy')", "INSERT INTO early VALUES (1, 'streamed')");
            PgLsn copiedAt;
            try (PgReplication probe = f.open()) {
                copiedAt = (PgLsn) probe.sourceHead();
            }
            CdcFixture.execute(f.destination, "INSERT INTO late VALUES (1, 'in the later copy')");
            f.source.execute("INSERT INTO late VALUES (2, 'streamed')", "UPDATE late SET v = 'changed' WHERE id = 1");

            var request = new ReplicationRequest(f.job, f.source.name(), pg.superuser(), dest.superuser(),
                    f.request.start(), Map.of(new dev.ferry.core.model.TableRef("public", "late"), copiedAt));
            try (PgReplication replication = PgReplication.open(request, Clock.systemUTC())) {
                replication.stopAt(replication.sourceHead());
                replication.run(new CdcFixture.Recorder());
            }

            assertThat(f.destinationHashes("late", "early")).isEqualTo(f.sourceHashes("late", "early"));
        }
    }

    @Test
    void aMissingSlotIsAFailedPreconditionThatSaysToRestartTheJob() {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE t (id int PRIMARY KEY)")) {
            var other = new ReplicationRequest("never-created", f.source.name(), pg.superuser(), dest.superuser(),
                    new PgLsn(0), Map.of());
            assertThatThrownBy(() -> PgReplication.open(other, Clock.systemUTC()))
                    .isInstanceOfSatisfying(FerryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                        assertThat(e.getMessage()).contains("Replication slot " + ReplicationNames.slot("never-created",
                                f.source.name()) + " no longer exists on source").contains("restart the job");
                    });
        }
    }

    @Test
    void aChangeTheDestinationCannotTakeFailsNamingTheTableAndStatement() {
        try (var f = CdcFixture.create(pg, dest, "CREATE TABLE strict (id int PRIMARY KEY, v text)")) {
            CdcFixture.execute(f.destination, "ALTER TABLE strict ADD CONSTRAINT short CHECK (length(v) < 5)");
            f.source.execute("INSERT INTO strict VALUES (1, 'far too long')");
            assertThatThrownBy(f::catchUp).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
                assertThat(e.getMessage()).contains("INSERT", "public.strict", "INSERT INTO \"public\".\"strict\"")
                        .doesNotContain(dest.superuser().password().reveal());
            });
            assertThat(f.destinationValue("SELECT count(*) FROM strict")).isEqualTo(0L);
        }
    }
}
