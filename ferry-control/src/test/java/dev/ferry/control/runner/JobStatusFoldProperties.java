package dev.ferry.control.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Phase;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class JobStatusFoldProperties {

    @Provide
    Arbitrary<List<RunnerEvent>> events() {
        Arbitrary<RunnerEvent> one = Arbitraries.oneOf(
                Arbitraries.just(new RunnerEvent.Running()),
                Arbitraries.of(Phase.class).map(RunnerEvent.PhaseEntered::new),
                Arbitraries.of(Phase.CDC, Phase.READY_FOR_PROMOTE).map(RunnerEvent.Replicating::new),
                Arbitraries.just(new RunnerEvent.Completed()),
                Arbitraries.just(new RunnerEvent.Stopped()),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)
                        .map(m -> new RunnerEvent.Failed(new JobError(ErrorCode.UNAVAILABLE, m))));
        return one.list().ofMaxSize(30);
    }

    @Property
    void everyEventSequenceKeepsTheStatusCoherent(@ForAll("events") List<RunnerEvent> events) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        MigrationJob job = new MigrationJob("j", null, null, JobType.ONE_TIME, "s", "d", null, null,
                JobState.STARTING, null, null, t, t, null, null);
        for (RunnerEvent event : events) {
            t = t.plusSeconds(1);
            MigrationJob before = job;
            job = JobStatusFold.next(job, event, t);

            assertThat(job.updateTime()).isEqualTo(t);
            assertThat(job.name()).isEqualTo(before.name());
            switch (event) {
                case RunnerEvent.Running r -> {
                    assertThat(job.state()).isEqualTo(JobState.RUNNING);
                    assertThat(job.error()).isNull();
                    assertThat(job.startTime()).isNotNull();
                    assertThat(job.endTime()).isNull();
                }
                case RunnerEvent.PhaseEntered e -> {
                    assertThat(job.phase()).isEqualTo(e.phase());
                    assertThat(job.state()).isEqualTo(before.state());
                }
                case RunnerEvent.Replicating r -> {
                    // A requested promotion is never undone by replication's own phase reports.
                    assertThat(job.phase()).isEqualTo(before.phase() == Phase.PROMOTE_IN_PROGRESS
                            ? Phase.PROMOTE_IN_PROGRESS : r.phase());
                    assertThat(job.state()).isEqualTo(before.state());
                }
                case RunnerEvent.Completed c -> {
                    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
                    assertThat(job.error()).isNull();
                    assertThat(job.endTime()).isEqualTo(t);
                }
                case RunnerEvent.Stopped s -> assertThat(job.state()).isEqualTo(JobState.STOPPED);
                case RunnerEvent.Failed f -> {
                    assertThat(job.state()).isEqualTo(JobState.FAILED);
                    assertThat(job.error()).isEqualTo(f.error());
                    assertThat(job.endTime()).isEqualTo(t);
                }
            }
            if (before.startTime() != null) {
                assertThat(job.startTime()).as("the first start time is kept").isEqualTo(before.startTime());
            }
        }
    }
}
