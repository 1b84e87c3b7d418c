package dev.ferry.cli.migrate;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.Phase;

/**
 * When an in-process continuous migration promotes, from the job's state and phase and the signals
 * the user sent. The first signal asks for the promotion: at once while the job replicates, else as
 * soon as its full load is done. A further signal during the promotion forces it (stop where
 * replication is); a second signal before the promotion could begin stops the job instead. With
 * {@code whenReady}, the promotion also starts by itself once the job caught up (READY_FOR_PROMOTE).
 * The caller asks {@link #due} each poll, carries the action out, then records it with {@link #did}.
 * Not thread-safe.
 */
final class CutOver {
    enum Action { NONE, PROMOTE, FORCE_PROMOTE, STOP }

    private final boolean whenReady;
    private boolean promoted;
    private int signalsAtPromotion;
    private boolean forced;
    private boolean stopped;

    CutOver(boolean whenReady) {
        this.whenReady = whenReady;
    }

    /** What to do now. Pure: calling it twice without {@link #did} gives the same answer. */
    Action due(JobState state, Phase phase, int signals) {
        if (stopped || state != JobState.RUNNING && state != JobState.STARTING && state != JobState.RESUMING) {
            return Action.NONE;
        }
        boolean replicating = state == JobState.RUNNING && (phase == Phase.CDC || phase == Phase.READY_FOR_PROMOTE);
        if (!promoted) {
            if (signals >= 2 && !replicating) {
                return Action.STOP;
            }
            if (replicating && (signals >= 1 || whenReady && phase == Phase.READY_FOR_PROMOTE)) {
                return Action.PROMOTE;
            }
            return Action.NONE;
        }
        return !forced && signals > signalsAtPromotion ? Action.FORCE_PROMOTE : Action.NONE;
    }

    /** Records that {@code action}, asked for with {@code signals} signals received, was carried out. */
    void did(Action action, int signals) {
        switch (action) {
            case PROMOTE -> {
                promoted = true;
                signalsAtPromotion = signals;
            }
            case FORCE_PROMOTE -> forced = true;
            case STOP -> stopped = true;
            case NONE -> { }
        }
    }

    /** Whether the first signal arrived before the job could be promoted, so the promotion waits for the full load. */
    boolean waitingForFullLoad(JobState state, Phase phase, int signals) {
        return !promoted && !stopped && signals == 1 && due(state, phase, signals) == Action.NONE;
    }
}
