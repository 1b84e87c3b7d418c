package dev.ferry.cli.migrate;

import static dev.ferry.cli.migrate.CutOver.Action.FORCE_PROMOTE;
import static dev.ferry.cli.migrate.CutOver.Action.NONE;
import static dev.ferry.cli.migrate.CutOver.Action.PROMOTE;
import static dev.ferry.cli.migrate.CutOver.Action.STOP;
import static dev.ferry.core.model.JobState.COMPLETED;
import static dev.ferry.core.model.JobState.FAILED;
import static dev.ferry.core.model.JobState.RUNNING;
import static dev.ferry.core.model.JobState.STARTING;
import static dev.ferry.core.model.Phase.CDC;
import static dev.ferry.core.model.Phase.FULL_DUMP;
import static dev.ferry.core.model.Phase.PROMOTE_IN_PROGRESS;
import static dev.ferry.core.model.Phase.READY_FOR_PROMOTE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CutOverTest {
    @Test
    void keepsReplicatingUntilTheFirstSignal() {
        var cutOver = new CutOver(false);

        assertThat(cutOver.due(RUNNING, CDC, 0)).isEqualTo(NONE);
        assertThat(cutOver.due(RUNNING, READY_FOR_PROMOTE, 0)).isEqualTo(NONE);
        assertThat(cutOver.due(RUNNING, READY_FOR_PROMOTE, 1)).isEqualTo(PROMOTE);
    }

    @Test
    void promotesByItselfOnceCaughtUpWhenAskedTo() {
        var cutOver = new CutOver(true);

        assertThat(cutOver.due(RUNNING, CDC, 0)).isEqualTo(NONE);
        assertThat(cutOver.due(RUNNING, READY_FOR_PROMOTE, 0)).isEqualTo(PROMOTE);
    }

    @Test
    void aSignalDuringTheFullLoadPromotesOnceReplicationRuns() {
        var cutOver = new CutOver(false);

        assertThat(cutOver.due(RUNNING, FULL_DUMP, 1)).isEqualTo(NONE);
        assertThat(cutOver.waitingForFullLoad(RUNNING, FULL_DUMP, 1)).isTrue();
        assertThat(cutOver.due(RUNNING, CDC, 1)).isEqualTo(PROMOTE);
    }

    @Test
    void aSecondSignalBeforeThePromotionCouldStartStopsTheJob() {
        var cutOver = new CutOver(false);

        assertThat(cutOver.due(STARTING, null, 2)).isEqualTo(STOP);
        cutOver.did(STOP, 2);
        assertThat(cutOver.due(RUNNING, FULL_DUMP, 3)).isEqualTo(NONE);
    }

    @Test
    void aFurtherSignalDuringThePromotionForcesItOnce() {
        var cutOver = new CutOver(false);
        cutOver.did(cutOver.due(RUNNING, CDC, 1), 1);

        assertThat(cutOver.due(RUNNING, PROMOTE_IN_PROGRESS, 1)).isEqualTo(NONE);
        assertThat(cutOver.due(RUNNING, PROMOTE_IN_PROGRESS, 2)).isEqualTo(FORCE_PROMOTE);
        cutOver.did(FORCE_PROMOTE, 2);
        assertThat(cutOver.due(RUNNING, PROMOTE_IN_PROGRESS, 3)).isEqualTo(NONE);
    }

    @Test
    void theFirstSignalForcesAPromotionThatStartedByItself() {
        var cutOver = new CutOver(true);
        cutOver.did(cutOver.due(RUNNING, READY_FOR_PROMOTE, 0), 0);

        assertThat(cutOver.due(RUNNING, PROMOTE_IN_PROGRESS, 1)).isEqualTo(FORCE_PROMOTE);
    }

    @Test
    void doesNothingOnceTheJobEnded() {
        var cutOver = new CutOver(true);

        assertThat(cutOver.due(COMPLETED, null, 1)).isEqualTo(NONE);
        assertThat(cutOver.due(FAILED, CDC, 2)).isEqualTo(NONE);
    }
}
