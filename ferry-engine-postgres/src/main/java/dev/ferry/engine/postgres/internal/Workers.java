package dev.ferry.engine.postgres.internal;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.concurrent.StreamingThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Runs a bounded list of streaming tasks (range copies, index builds) on one platform thread each (see
 * {@link StreamingThreads}) and waits for all of them; the first failure cancels
 * (interrupts) the others and is rethrown once they have ended. Stateless.
 */
public final class Workers {
    private Workers() {}

    /** Runs {@code tasks}; {@code what} names the work for the message when the caller is interrupted. */
    public static void runAll(List<Callable<Void>> tasks, String what) {
        if (tasks.size() == 1) {
            call(tasks.getFirst(), what);
            return;
        }
        RuntimeException failure = null;
        try (var executor = StreamingThreads.perTask("ferry-worker-")) {
            List<Future<Void>> results = new ArrayList<>();
            tasks.forEach(task -> results.add(executor.submit(task)));
            for (Future<Void> result : results) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = unwrap(e.getCause(), what);
                        results.forEach(f -> f.cancel(true));
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                } catch (InterruptedException e) {
                    results.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new FerryException(ErrorCode.CANCELLED, what + " was interrupted", e);
                } catch (CancellationException e) {
                    // Cancelled because another task failed first; that failure is reported.
                    if (failure == null) {
                        throw new IllegalStateException("a task was cancelled before any failed", e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void call(Callable<Void> task, String what) {
        try {
            task.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ErrorCode.CANCELLED, what + " was interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }

    private static RuntimeException unwrap(Throwable cause, String what) {
        if (cause instanceof RuntimeException e) {
            return e;
        }
        if (cause instanceof InterruptedException e) {
            return new FerryException(ErrorCode.CANCELLED, what + " was interrupted", e);
        }
        return new IllegalStateException(what + " failed", cause);
    }
}
