package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.cdc.PipelineStats;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.spi.engine.ReplicationObjects;
import dev.ferry.core.spi.engine.ReplicationRequest;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What change replication hands the engine and what it keeps of the engine's reports, without a database. */
class ChangeReplicationTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final DatabaseConnection SERVER = new DatabaseConnection(EngineKind.POSTGRESQL, "db.example", 5432, "ferry",
            null, null, "require");

    @TempDir
    Path home;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final PipelineBoard board = new PipelineBoard(clock);
    private JdbcStore store;
    private JobSignals signals;

    @BeforeEach
    void open() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        var reporter = new JobReporter(store, new JobLocks(), board, clock);
        signals = new JobSignals(reporter, new HealthBoard(store, clock), "j");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private MigrationJob job(PerformanceConfig performance) {
        var job = new MigrationJob("j", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, performance, JobState.RUNNING,
                null, null, NOW, NOW, null, null);
        store.insertJob(job);
        store.putCheckpoint("j", FullLoad.replicationKey("shop"), "pg:0/16B3748");
        store.putCheckpoint("j", ReplicationRecords.key("shop"), new ReplicationObjects("ferry_slot", "ferry_pub").text());
        return job;
    }

    private ReplicationRequest request(MigrationJob job) {
        return new ReplicationRequests(store).request(job, null, "shop", List.of("shop"), SERVER, SERVER);
    }

    @Test
    void theEngineIsAskedForTheJobsApplyPartitions() {
        var request = request(job(new PerformanceConfig(2, 6)));

        assertThat(request.applyPartitions()).isEqualTo(6);
        assertThat(request.effectiveApplyPartitions(1)).isEqualTo(6);
    }

    @Test
    void aJobWithoutApplyPartitionsLeavesTheNumberToTheEngine() {
        var request = request(job(new PerformanceConfig(2)));

        assertThat(request.applyPartitions()).isZero();
        assertThat(request.effectiveApplyPartitions(2)).isEqualTo(4);
    }

    @Test
    void theStartEventSaysHowManyApplyPartitionsAndWhy() {
        var configured = new MigrationJob("j", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, new PerformanceConfig(null, 3),
                JobState.RUNNING, null, null, NOW, NOW, null, null);
        var unset = new MigrationJob("j", null, Map.of(), JobType.CONTINUOUS, "s", "d", null, null, JobState.RUNNING, null, null,
                NOW, NOW, null, null);

        assertThat(ChangeReplication.startMessage(configured, List.of("shop", "crm"), 2)).startsWith(
                "Change replication of shop, crm starts with 3 apply partitions (performanceConfig.applyPartitions)");
        assertThat(ChangeReplication.startMessage(unset, List.of("shop"), 1))
                .startsWith("Change replication of shop starts with 2 apply partitions (the default for 1 core)");
    }

    @Test
    void pipelineReportsReachTheBoardUnderTheirDatabaseCaughtUpOnlyAfterAZeroLag() {
        var stream = new ChangeReplication.DatabaseStream(request(job(PerformanceConfig.DEFAULT)), null, signals,
                new dev.ferry.control.validate.ChunkLedger(), "job");
        var partition = new PipelineStats.Partition(0, "pg:0/16B3750", NOW.minusSeconds(2));
        var stats = PipelineBoardTest.stats(50, partition);

        stream.pipeline(stats);
        assertThat(board.read("j")).singleElement().satisfies(s -> {
            assertThat(s.database()).isEqualTo("shop");
            assertThat(s.stats()).isEqualTo(stats);
            assertThat(s.caughtUp()).as("no lag heard yet").isFalse();
            assertThat(s.partitionLag(partition)).contains(Duration.ofSeconds(2));
        });

        stream.lag(Duration.ZERO, 0);
        stream.pipeline(stats);
        assertThat(board.read("j").getFirst().caughtUp()).isTrue();

        stream.lag(Duration.ofMillis(800), 4096);
        stream.pipeline(stats);
        assertThat(board.read("j").getFirst().caughtUp()).isFalse();

        signals.pipelinesEnded();
        assertThat(board.read("j")).isEmpty();
    }

    @Test
    void aWaitForAnAppliedPositionEndsOnlyWhenThatPositionIsAppliedOrPassedIdleNeverOnAZeroLagAlone() throws Exception {
        var stream = new ChangeReplication.DatabaseStream(request(job(PerformanceConfig.DEFAULT)), null, signals,
                new dev.ferry.control.validate.ChunkLedger(), "job");
        var head = new dev.ferry.core.model.Position.PgLsn(0x2000);

        // An idle-looking pipeline (zero lag) may not have heard of the source's latest changes yet.
        stream.lag(Duration.ZERO, 0);
        assertThat(stream.awaitApplied(head, Duration.ofMillis(50))).isFalse();
        stream.applied(new dev.ferry.core.model.Position.PgLsn(0x1000), NOW, Map.of());
        stream.caughtUp(new dev.ferry.core.model.Position.PgLsn(0x1fff));
        assertThat(stream.awaitApplied(head, Duration.ofMillis(50))).isFalse();

        stream.caughtUp(new dev.ferry.core.model.Position.PgLsn(0x2000));
        assertThat(stream.awaitApplied(head, Duration.ofMillis(50))).isTrue();
        stream.applied(new dev.ferry.core.model.Position.PgLsn(0x3000), NOW, Map.of());
        assertThat(stream.awaitApplied(new dev.ferry.core.model.Position.PgLsn(0x3000), Duration.ofMillis(50))).isTrue();
    }
}
