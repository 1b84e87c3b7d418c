package dev.ferry.engine.postgres.internal;

import dev.ferry.core.concurrent.StreamingThreads;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs a bounded list of streaming tasks (range copies, index builds) on one platform thread each and waits for all
 * of them; the first failure cancels (interrupts) the others and is rethrown once they have ended (see
 * {@link StreamingThreads#runAll}). Stateless.
 */
public final class Workers {
    private Workers() {}

    /** Runs {@code tasks}; {@code what} names the work in the message when the caller is interrupted. */
    public static void runAll(List<Callable<Void>> tasks, String what) {
        StreamingThreads.runAllOrCancel("ferry-worker-", tasks, tasks.size(), what, Callable::call);
    }
}
