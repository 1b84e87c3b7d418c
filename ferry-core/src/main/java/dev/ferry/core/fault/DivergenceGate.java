package dev.ferry.core.fault;

import dev.ferry.core.model.DivergencePolicy;
import dev.ferry.core.spi.engine.ReplicationListener;
import java.util.Objects;

/**
 * What a {@link Divergence} does, as the job's {@link DivergencePolicy} says: under {@code FAIL} it stops the
 * replication with {@code DIVERGED}; under {@code RECORD} it is told to the listener ({@link
 * ReplicationListener#diverged}) and the engine goes on, taking the source's row where it can. Engines call it
 * from their apply thread; it holds no state of its own.
 */
public final class DivergenceGate {
    private final DivergencePolicy policy;
    private final ReplicationListener listener;

    public DivergenceGate(DivergencePolicy policy, ReplicationListener listener) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** True when divergences are recorded and replication goes on. */
    public boolean records() {
        return policy == DivergencePolicy.RECORD;
    }

    /**
     * Throws {@link Divergence#failure()} under {@code FAIL}; under {@code RECORD} returns, and the engine then
     * repairs what it can and calls {@link #recorded} with what it did.
     */
    public void check(Divergence divergence) {
        if (!records()) {
            throw divergence.failure();
        }
    }

    /** Tells the listener about a recorded divergence; {@code outcome} says what the destination now holds. */
    public void recorded(Divergence divergence, String outcome) {
        listener.diverged(divergence.table(), divergence.detail() + (outcome.isEmpty() ? "" : "; " + outcome));
    }
}
