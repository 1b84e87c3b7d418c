package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.operation.Operations;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.fault.Backoff;
import dev.ferry.core.fault.FailureKind;
import dev.ferry.core.fault.FaultBudget;
import dev.ferry.core.fault.Retrier;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.core.model.Severity;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.core.spi.engine.SchemaFindings;
import dev.ferry.core.spi.engine.ServerInfo;
import dev.ferry.core.spi.engine.SourceSnapshot;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What promotion does about schema differences the engine reports, with an engine that only reports them. */
class SchemaReconciliationTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final DatabaseConnection SERVER = new DatabaseConnection(EngineKind.POSTGRESQL, "db.example", 5432, "ferry",
            null, null, "require");
    private static final Finding INDEX = new Finding(SchemaFindings.DIFFERENCE, Severity.WARNING,
            "Database shop: index public.i only on the source; promotion reconciles it", null, "shop: index public.i");
    private static final Finding COLUMN = new Finding(SchemaFindings.NOT_RECONCILABLE, Severity.ERROR,
            "Database shop: column public.t.c type is bigint on the source, integer on the destination", null,
            "shop: column public.t.c");

    @TempDir
    Path home;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private JdbcStore store;
    private Operations operations;
    private JobSignals signals;
    private SchemaReconciliation schema;

    @BeforeEach
    void open() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        operations = new Operations(store, clock);
        var reporter = new JobReporter(store, new JobLocks(), new PipelineBoard(clock), clock);
        signals = new JobSignals(reporter, new HealthBoard(store, clock), "j");
        schema = new SchemaReconciliation(store, reporter, operations, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private MigrationJob promoting() {
        var job = new MigrationJob("j", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, null, JobState.RUNNING,
                Phase.PROMOTE_IN_PROGRESS, null, NOW, NOW, null, null);
        store.insertJob(job);
        return job;
    }

    private String promoteOperation(boolean force) {
        String op = operations.begin("promote", "migrationJobs/j", null, "promoting").name();
        store.putCheckpoint("j", ChangeReplication.PROMOTE_OPERATION, op);
        if (force) {
            store.putCheckpoint("j", ChangeReplication.PROMOTE_FORCE, "true");
        }
        return op;
    }

    private SchemaReconciliation.Watch watch(MigrationJob job, Engine engine) {
        var retrier = new Retrier(new FaultBudget(Duration.ofMinutes(1), clock), Backoff.DEFAULT, e -> FailureKind.FATAL, clock,
                new Random(1));
        var request = new ReplicationRequest("j", "shop", SERVER, SERVER, PgLsn.parseLsn("0/16B3748"), Map.of());
        return schema.watch(job, engine, List.of(request), retrier, signals);
    }

    @Test
    void aDifferenceThatCannotBeReconciledRefusesThePromotionAndTheJobReplicatesOn() throws Exception {
        var job = promoting();
        String op = promoteOperation(true);

        boolean refused = watch(job, new SchemaOnlyEngine(List.of(INDEX, COLUMN), List.of())).refusesPromotion();

        assertThat(refused).isTrue();
        var operation = operations.get(op);
        assertThat(operation.done()).isTrue();
        assertThat(operation.error().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(operation.error().message()).contains("Promotion of migration job j refused",
                "1 schema difference(s) cannot be reconciled", "column public.t.c type is bigint on the source",
                "The job keeps replicating").doesNotContain("index public.i");
        assertThat(store.findJob("j").orElseThrow().phase()).isEqualTo(Phase.CDC);
        assertThat(store.findJob("j").orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(store.checkpoint("j", ChangeReplication.PROMOTE_OPERATION)).isEmpty();
        assertThat(store.checkpoint("j", ChangeReplication.PROMOTE_FORCE)).isEmpty();
        assertThat(store.listEvents("j", 10)).anySatisfy(e -> {
            assertThat(e.severity()).isEqualTo(Severity.WARNING);
            assertThat(e.message()).startsWith("Promotion of migration job j refused");
        });
        assertThat(SchemaStatus.parseAll(store.checkpoints("j"))).containsExactly(new SchemaStatus("shop", 1, 1, NOW));
    }

    @Test
    void differencesPromotionReconcilesLetItGoOn() throws Exception {
        var job = promoting();
        String op = promoteOperation(false);

        boolean refused = watch(job, new SchemaOnlyEngine(List.of(INDEX), List.of())).refusesPromotion();

        assertThat(refused).isFalse();
        assertThat(operations.get(op).done()).isFalse();
        assertThat(store.findJob("j").orElseThrow().phase()).isEqualTo(Phase.PROMOTE_IN_PROGRESS);
        assertThat(SchemaStatus.parseAll(store.checkpoints("j"))).containsExactly(new SchemaStatus("shop", 1, 0, NOW));
    }

    @Test
    void eachActionOfTheReconciliationBecomesAnEventAndTheLastComparisonGoes() throws Exception {
        var job = promoting();
        var engine = new SchemaOnlyEngine(List.of(INDEX), List.of("created index public.i",
                "still differs after reconciling (the servers may print it differently): view public.v: defined differently"));
        try (var watch = watch(job, engine)) {
            watch.refusesPromotion();
            watch.reconcile();
        }

        assertThat(store.listEvents("j", 10)).extracting(JobEvent::severity, JobEvent::message).contains(
                org.assertj.core.groups.Tuple.tuple(Severity.INFO, "Reconciled schema of database shop: created index public.i"),
                org.assertj.core.groups.Tuple.tuple(Severity.WARNING, "Reconciled schema of database shop: still differs after "
                        + "reconciling (the servers may print it differently): view public.v: defined differently"));
        assertThat(SchemaStatus.parseAll(store.checkpoints("j"))).isEmpty();
    }

    /** An engine that reports fixed schema differences and reconciliation actions, and does nothing else. */
    private record SchemaOnlyEngine(List<Finding> differences, List<String> actions) implements Engine {
        @Override
        public boolean comparesSchemas() {
            return true;
        }

        @Override
        public List<Finding> schemaDifferences(ReplicationRequest request) {
            return differences;
        }

        @Override
        public List<String> reconcileSchema(ReplicationRequest request) {
            return actions;
        }

        @Override
        public EngineKind kind() {
            return EngineKind.POSTGRESQL;
        }

        @Override
        public ServerInfo probe(DatabaseConnection server) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> listDatabases(DatabaseConnection server) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> userObjects(DatabaseConnection server, String database) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean createDatabase(DatabaseConnection source, DatabaseConnection destination, String database) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void clearDatabase(DatabaseConnection server, String database) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SourceSnapshot openSnapshot(DatabaseConnection source, String database, SnapshotOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<TableRef, Long> countRows(DatabaseConnection server, String database, List<TableRef> tables) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<TableRef, String> contentHashes(DatabaseConnection server, String database, List<TableRef> tables) {
            throw new UnsupportedOperationException();
        }
    }
}
