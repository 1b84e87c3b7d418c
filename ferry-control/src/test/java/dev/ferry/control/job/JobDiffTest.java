package dev.ferry.control.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.declare.DesiredState;
import dev.ferry.control.declare.FieldChange;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.ReliabilityConfig;
import dev.ferry.core.model.Verb;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobDiffTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static MigrationJob job(JobState state, Integer parallelism) {
        return new MigrationJob("orders", null, Map.of("team", "a"), JobType.CONTINUOUS, "src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(parallelism), state, null, null, NOW, NOW, null, null);
    }

    private static JobDeclaration declared(JobType type, Integer parallelism, ReliabilityConfig reliability,
            DesiredState desired) {
        return new JobDeclaration(new JobRequest("orders", null, Map.of("team", "a"), type, "src", "dst", null,
                new PerformanceConfig(parallelism), false, reliability), desired);
    }

    @Test
    void aJobThatMatchesItsDeclarationChangesNothing() {
        var outcome = JobDiff.diff(job(JobState.RUNNING, 4), declared(JobType.CONTINUOUS, 4, null, null));

        assertThat(outcome.changes()).isEmpty();
        assertThat(outcome.lifecycle()).isNull();
        assertThat(outcome.refusal()).isNull();
    }

    @Test
    void defaultsWrittenOutEqualDefaultsLeftOut() {
        var explicit = new ReliabilityConfig(ReliabilityConfig.DEFAULT_FAULT_BUDGET, Duration.ofSeconds(60), true,
                Duration.ofSeconds(2), null, null, null, false);

        var outcome = JobDiff.diff(job(JobState.NOT_STARTED, 0), declared(JobType.CONTINUOUS, null, explicit, null));

        assertThat(outcome.changes()).isEmpty();
    }

    @Test
    void aDefinitionChangeOfARunningJobIsRefusedSayingToStopItFirst() {
        var outcome = JobDiff.diff(job(JobState.RUNNING, 4), declared(JobType.CONTINUOUS, 8, null, null));

        assertThat(outcome.changes()).containsExactly(new FieldChange("performanceConfig.parallelism", "4", "8"));
        assertThat(outcome.refusal()).contains("orders is RUNNING").contains("performanceConfig.parallelism")
                .contains("ferry migration-jobs stop orders");
    }

    @Test
    void theSameChangeOfAStoppedJobIsAllowed() {
        var outcome = JobDiff.diff(job(JobState.STOPPED, 4), declared(JobType.CONTINUOUS, 8, null, null));

        assertThat(outcome.refusal()).isNull();
        assertThat(outcome.changes()).hasSize(1);
    }

    @Test
    void theTypeNeverChangesWhateverTheState() {
        var outcome = JobDiff.diff(job(JobState.NOT_STARTED, 4), declared(JobType.ONE_TIME, 4, null, null));

        assertThat(outcome.refusal()).contains("type cannot change after the job is created")
                .contains("ferry migration-jobs delete orders");
    }

    @Test
    void desiredStateRunningStartsANewJobAndResumesAStoppedOne() {
        assertThat(JobDiff.diff(job(JobState.NOT_STARTED, 4), declared(JobType.CONTINUOUS, 4, null, DesiredState.RUNNING))
                .lifecycle()).isEqualTo(Verb.START);
        assertThat(JobDiff.diff(job(JobState.STOPPED, 4), declared(JobType.CONTINUOUS, 4, null, DesiredState.RUNNING))
                .lifecycle()).isEqualTo(Verb.RESUME);
        assertThat(JobDiff.diff(job(JobState.RUNNING, 4), declared(JobType.CONTINUOUS, 4, null, DesiredState.RUNNING))
                .lifecycle()).isNull();
    }

    @Test
    void desiredStateStoppedStopsARunningJobOnly() {
        assertThat(JobDiff.diff(job(JobState.RUNNING, 4), declared(JobType.CONTINUOUS, 4, null, DesiredState.STOPPED))
                .lifecycle()).isEqualTo(Verb.STOP);
        assertThat(JobDiff.diff(job(JobState.NOT_STARTED, 4), declared(JobType.CONTINUOUS, 4, null, DesiredState.STOPPED))
                .lifecycle()).isNull();
    }

    @Test
    void aFailedJobIsLeftToTheVerbsEvenWhenDeclaredRunning() {
        var outcome = JobDiff.diff(job(JobState.FAILED, 4), declared(JobType.CONTINUOUS, 4, null, DesiredState.RUNNING));

        assertThat(outcome.lifecycle()).isNull();
        assertThat(outcome.refusal()).contains("FAILED").contains("resume or restart");
    }
}
