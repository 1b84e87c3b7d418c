package dev.ferry.store;

import dev.ferry.core.FerryException;

/**
 * Recognises the store's refusal of a fenced write: the node that made it no longer holds the job's lease, another
 * node runs the job now. A runner that meets it drops the job without recording anything.
 */
public final class LeaseLost {
    /** How the refusal's message begins. */
    static final String PREFIX = "The metadata store refused a write of migration job";

    private LeaseLost() {}

    /**
     * Whether {@code failure}, or one of its causes, is the store's refusal of a write under a superseded lease, or a
     * destination's refusal of a commit under an older epoch ({@link dev.ferry.core.spi.engine.Fence#refused}).
     */
    public static boolean in(Throwable failure) {
        if (dev.ferry.core.spi.engine.Fence.refusedIn(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FerryException f && f.getMessage() != null && f.getMessage().startsWith(PREFIX)) {
                return true;
            }
        }
        return false;
    }
}
