package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.ObjectState;
import java.time.Duration;
import java.util.EnumSet;

/** A user's stop during a table's copy and the resume after it, shared by both engines' tests. */
final class StopAndResume {
    private StopAndResume() {}

    /**
     * Starts {@code job}, stops it once {@code table} is copying with rows in, and checks that the job stopped with
     * the table left to copy again on resume.
     */
    static void stopWhileCopying(InProcessFerry ferry, String job, String table) {
        ferry.control().jobs().start(job, false, null);
        DdlDuringCopy.awaitCopying(ferry, job, table);
        ferry.control().jobs().stop(job, null);
        var stopped = ferry.awaitEnd(job, Duration.ofSeconds(60));

        assertThat(stopped.state()).isEqualTo(JobState.STOPPED);
        assertThat(ferry.control().jobs().objects(job)).filteredOn(o -> o.table().table().equals(table)).singleElement()
                .satisfies(o -> assertThat(o.state()).as("copied again on resume").isEqualTo(ObjectState.PENDING));
    }

    /** Resumes {@code job} and checks that it completes. */
    static void resumeToCompletion(InProcessFerry ferry, String job) {
        ferry.control().jobs().resume(job, false, null);
        var resumed = ferry.awaitJob(job, EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(120));
        assertThat(resumed.state()).as("error: %s", resumed.error()).isEqualTo(JobState.COMPLETED);
    }
}
