package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    private static final int BIG_ROWS = 200_000;

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
    void schemaChangesDuringReplicationReachTheDestinationBeforePromotion() throws Exception {
        TestDatabase db = SchemaChangeScenario.shop(pg, BIG_ROWS);
        SchemaChangeScenario.start(ferry, db, destination.superuser(), "evolve-cdc", ReliabilityConfig.DEFAULT);
        SchemaChangeScenario.awaitReplicating(ferry, "evolve-cdc");
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
        SchemaChangeScenario.promoteAndCompare(ferry, destination.superuser(), db, "evolve-cdc");
    }

    @Test
    @Timeout(420)
    void schemaChangesDuringTheFullLoadEndEqualToo() throws Exception {
        TestDatabase db = SchemaChangeScenario.shop(pg, BIG_ROWS);
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        var failure = new AtomicReference<Exception>();
        Thread writer = SchemaChangeScenario.writer(db, BIG_ROWS, stop, writes, failure);
        SchemaChangeScenario.start(ferry, db, destination.superuser(), "evolve-load", SLOW_READS);
        DdlDuringCopy.awaitCopying(ferry, "evolve-load", "big");
        SchemaChangeScenario.changeSchema(db);
        SchemaChangeScenario.awaitReplicating(ferry, "evolve-load");
        stop.set(true);
        writer.join();
        assertThat(failure.get()).isNull();
        SchemaChangeScenario.promoteAndCompare(ferry, destination.superuser(), db, "evolve-load");
    }
}
