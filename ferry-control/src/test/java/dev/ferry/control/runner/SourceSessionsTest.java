package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.SourceReservation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceSessionsTest {
    private static MigrationJob job(JobType type, Integer parallelism, Integer maxSourceConnections) {
        var reliability = new ReliabilityConfig(null, null, null, null, null, maxSourceConnections, null, null);
        return new MigrationJob("j", null, Map.of(), type, "s", "d", null, new PerformanceConfig(parallelism),
                JobState.STARTING, null, null, Instant.EPOCH, Instant.EPOCH, null, null, false, reliability);
    }

    @Test
    void aContinuousJobNeedsItsCopySessionsTheSnapshotsTheLockWatchersAndReplications() {
        var sessions = SourceSessions.of(job(JobType.CONTINUOUS, 4, null), 8);

        assertThat(sessions.total()).isEqualTo(7);
        assertThat(sessions.capped()).isFalse();
        assertThat(sessions.describe()).isEqualTo("4 copy sessions, 1 holding the snapshot, 1 watching locks, 1 replicating");
    }

    @Test
    void aOneTimeJobCopiesWithinItsMaxSourceConnectionsLessTheSnapshotsSession() {
        var sessions = SourceSessions.of(job(JobType.ONE_TIME, 8, 4), 8);

        assertThat(sessions.copies()).isEqualTo(3);
        assertThat(sessions.capped()).isTrue();
        assertThat(sessions.total()).isEqualTo(5);
    }

    @Test
    void withoutAParallelismTheCoresDecide() {
        assertThat(SourceSessions.of(job(JobType.ONE_TIME, null, null), 3).copies()).isEqualTo(6);
    }

    @Test
    void theWaitingReasonNamesTheNodeItsUseAndTheJobsNeed() {
        var sessions = SourceSessions.of(job(JobType.CONTINUOUS, 2, null), 8);

        String why = SourceBudget.waiting(new SourceReservation.Shortfall(SourceReservation.Scope.NODE, "ferry-1", 14, 16),
                sessions);
        String never = SourceBudget.waiting(new SourceReservation.Shortfall(SourceReservation.Scope.SERVER, "db:5432", 0, 3),
                sessions);

        assertThat(why).startsWith("Waiting for source connections: node ferry-1 uses 14 of 16 (--max-source-connections); "
                + "this job needs 5 (2 copy sessions").endsWith("it starts when connections are released");
        assertThat(never).contains("source server db:5432 has 0 of 3 in use").contains("it never fits");
    }
}
