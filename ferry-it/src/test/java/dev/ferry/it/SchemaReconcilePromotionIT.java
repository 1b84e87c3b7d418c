package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.engine.postgres.compare.SchemaComparer;
import dev.ferry.engine.postgres.schema.PgTools;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schema changes made on the source while a continuous PostgreSQL job replicates: verify lists them, a promotion
 * is refused while one cannot be reconciled (the job replicates on), and the next promotion reconciles the rest,
 * ending with the same schema on both sides.
 */
class SchemaReconcilePromotionIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

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
    @Timeout(300)
    void aPromotionIsRefusedWhileADifferenceCannotBeReconciledAndTheNextOneReconcilesTheSchema() throws Exception {
        TestDatabase shop = pg.freshDatabase();
        shop.execute("CREATE TABLE orders (id int PRIMARY KEY, note text, qty int)",
                "INSERT INTO orders SELECT g, 'n' || g, g FROM generate_series(1, 100) g");
        ferry.profile("src", shop.connection());
        ferry.profile("dst", destination.superuser());
        ferry.job("follow", JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL);
        ferry.control().jobs().start("follow", false, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var job = ferry.control().jobs().get("follow");
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });

        shop.execute("CREATE INDEX \"orders by note\" ON orders (note)", "COMMENT ON TABLE orders IS 'reconciled at promotion'",
                "ALTER TABLE orders ALTER COLUMN qty SET DEFAULT 1",
                // A collation change rewrites nothing and travels in no change: replication cannot see it.
                "ALTER TABLE orders ALTER COLUMN note TYPE text COLLATE \"C\"");
        String db = shop.name() + ": ";

        assertThat(ferry.control().jobs().verify("follow"))
                .anySatisfy(f -> assertFinding(f, SchemaFindings.DIFFERENCE, db + "index public.orders by note"))
                .anySatisfy(f -> assertFinding(f, SchemaFindings.NOT_RECONCILABLE, db + "column public.orders.note"));

        var refused = ferry.awaitOperation(ferry.control().jobs().promote("follow", null), Duration.ofSeconds(120));

        assertThat(refused.error()).as("the promotion is refused").isNotNull();
        assertThat(refused.error().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(refused.error().message()).contains("column public.orders.note collation is")
                .doesNotContain("orders by note");
        await().atMost(Duration.ofSeconds(30)).until(() -> ferry.control().jobs().get("follow").phase() != Phase.PROMOTE_IN_PROGRESS);
        assertThat(ferry.control().jobs().get("follow").state()).isEqualTo(JobState.RUNNING);
        assertThat(ferry.control().jobs().schemaStatus("follow")).singleElement().satisfies(s -> {
            assertThat(s.database()).isEqualTo(shop.name());
            assertThat(s.unreconcilable()).isEqualTo(1);
        });

        // The user aligns the column on the destination (demoted: the session turns read-only off), and writes go on.
        Sql.execute(destination.superuser(), shop.name(), "SET default_transaction_read_only = off",
                "ALTER TABLE orders ALTER COLUMN note TYPE text COLLATE \"C\"");
        shop.execute("INSERT INTO orders VALUES (1000, 'after the refusal', 5000)");
        var promote = ferry.control().jobs().promote("follow", null);
        var job = ferry.awaitJob("follow", EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(120));

        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        assertThat(ferry.control().operations().get(promote.name()).error()).isNull();
        assertThat(ferry.control().jobs().events("follow", 1000)).extracting(JobEvent::message).contains(
                "Reconciled schema of database %s: created index public.orders by note".formatted(shop.name()),
                "Reconciled schema of database %s: created comment on TABLE orders (schema public)"
                        .formatted(shop.name()),
                "Reconciled schema of database %s: set the default of column public.orders.qty to 1".formatted(shop.name()));
        DatabaseConnection dst = destination.superuser().withDatabase(shop.name());
        assertThat(SchemaComparer.canonicalSchema(PgTools.locate(), dst))
                .isEqualTo(SchemaComparer.canonicalSchema(PgTools.locate(), shop.connection()));
        assertThat(Sql.pgTableHash(destination.superuser(), shop.name(), "orders"))
                .isEqualTo(Sql.pgTableHash(shop.connection(), shop.name(), "orders"));
        assertThat(ferry.control().jobs().schemaStatus("follow")).isEmpty();
    }

    private static void assertFinding(Finding finding, String code, String object) {
        assertThat(finding.code()).isEqualTo(code);
        assertThat(finding.object()).isEqualTo(object);
    }
}
