package dev.ferry.engine.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.engine.postgres.PostgresEngine;
import dev.ferry.testkit.LocalPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Promotion's last step: sequences follow the source, Ferry's objects leave both sides. */
@Timeout(120)
class ReplicationFinisherIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres dest = LocalPostgres.shared("destination");

    @Test
    void finishingSyncsSequencesAndRemovesSlotPublicationAndBookkeeping() throws Exception {
        try (var f = CdcFixture.create(pg, dest,
                "CREATE SCHEMA \"Odd Schema\"",
                "CREATE TABLE items (id serial PRIMARY KEY, v text)",
                "CREATE SEQUENCE \"Odd Schema\".\"Seq\" START 100",
                "CREATE SEQUENCE untouched")) {
            f.source.execute("INSERT INTO items (v) SELECT 'v' || g FROM generate_series(1, 42) g",
                    "SELECT setval('\"Odd Schema\".\"Seq\"', 500, false)");
            f.catchUp();
            assertThat(f.destinationValue("SELECT count(DISTINCT job) FROM ferry.replication_progress")).isEqualTo(1L);
            var walsender = CdcFixture.Background.start(f.open(), new CdcFixture.Recorder());
            org.awaitility.Awaitility.await().until(() -> !f.source.query("SELECT 1 FROM pg_replication_slots "
                    + "WHERE active AND slot_name = " + Dialect.POSTGRESQL.literal(f.slot())).isEmpty());

            new PostgresEngine().finishReplication(f.request);
            // The running replication ends: its stream is cut when the slot is dropped, or (first, on a busy
            // machine) its next mark finds the destination's bookkeeping gone.
            assertThat(walsender.failure()).isInstanceOfSatisfying(FerryException.class,
                    e -> assertThat(e.code()).as(e.getMessage())
                            .isIn(ErrorCode.UNAVAILABLE, ErrorCode.FAILED_PRECONDITION));
            new PostgresEngine().finishReplication(f.request);

            assertThat(CdcFixture.query(f.destination, "SELECT last_value, is_called FROM items_id_seq"))
                    .containsExactly(List.of(42L, true));
            assertThat(CdcFixture.query(f.destination, "SELECT last_value, is_called FROM \"Odd Schema\".\"Seq\""))
                    .containsExactly(List.of(500L, false));
            assertThat(CdcFixture.query(f.destination, "SELECT last_value, is_called FROM untouched"))
                    .containsExactly(List.of(1L, false));
            assertThat(f.destinationValue("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")).isEqualTo(0L);
            assertThat(f.source.queryLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                    + Dialect.POSTGRESQL.literal(f.slot()))).isZero();
            assertThat(f.source.queryLong("SELECT count(*) FROM pg_publication")).isZero();
        }
    }
}
