package dev.ferry.core.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Short blocking work (a check, a count) run beside the caller's own on a virtual thread, so that two servers answer
 * at once instead of one after the other. Stateless.
 */
public final class Concurrently {
    private Concurrently() {}

    /** Starts {@code work} on a virtual thread named {@code name}. */
    public static <T> CompletableFuture<T> start(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, runnable -> Thread.ofVirtual().name(name).start(runnable));
    }

    /** Waits for {@code future}; an unchecked failure of its work is rethrown as the work threw it. */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case RuntimeException cause -> throw cause;
                case Error cause -> throw cause;
                case null, default -> throw e;
            }
        }
    }
}
