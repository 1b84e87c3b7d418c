package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.cdc.PipelineStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineBoardTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    static PipelineStats stats(long rowsApplied, PipelineStats.Partition... partitions) {
        return new PipelineStats(12, 4096, 32L << 20, rowsApplied + 10, rowsApplied, rowsApplied / 2, 250.0, 240.0, 7, 300, 1,
                List.of(partitions));
    }

    @Test
    void keepsTheLatestReportOfEachDatabaseUntilTheJobsReplicationEnds() {
        var board = new PipelineBoard(clock);
        board.record("j", "shop", stats(100), false);
        board.record("j", "crm", stats(5), false);
        board.record("j", "shop", stats(200), true);
        board.record("other", "shop", stats(1), false);

        List<PipelineSnapshot> read = board.read("j");

        assertThat(read).extracting(PipelineSnapshot::database).containsExactly("crm", "shop");
        assertThat(read.get(1).stats().rowsApplied()).isEqualTo(200);
        assertThat(read.get(1).caughtUp()).isTrue();
        assertThat(read.get(1).measured()).isEqualTo(NOW);

        board.forget("j");

        assertThat(board.read("j")).isEmpty();
        assertThat(board.read("other")).hasSize(1);
        assertThat(board.read("never-ran")).isEmpty();
    }

    @Test
    void aPartitionIsBehindByTheTimeSinceTheSourceCommitItAppliedLastWhileChangesFlow() {
        var behind = new PipelineStats.Partition(0, "pg:0/16B3748", NOW.minusMillis(3_500));
        var unknown = new PipelineStats.Partition(1, "pg:0/16B3748", null);
        var ahead = new PipelineStats.Partition(2, "pg:0/16B3748", NOW.plusSeconds(1));
        var snapshot = new PipelineSnapshot("shop", stats(10, behind, unknown, ahead), NOW, false);

        assertThat(snapshot.partitionLag(behind)).contains(Duration.ofMillis(3_500));
        assertThat(snapshot.partitionLag(unknown)).isEmpty();
        assertThat(snapshot.partitionLag(ahead)).as("a source clock ahead of ours").contains(Duration.ZERO);
    }

    @Test
    void aCaughtUpDatabaseHasNoPartitionBehindHoweverOldItsLastCommit() {
        var idle = new PipelineStats.Partition(0, "pg:0/16B3748", NOW.minus(Duration.ofHours(2)));
        var snapshot = new PipelineSnapshot("shop", stats(10, idle), NOW, true);

        assertThat(snapshot.partitionLag(idle)).contains(Duration.ZERO);
    }
}
