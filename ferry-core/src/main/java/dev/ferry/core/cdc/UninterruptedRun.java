package dev.ferry.core.cdc;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Runs a replication, one run at a time, on a virtual thread of its own that is never interrupted. Interrupting the
 * calling thread raises the work's cancel flag instead, waits until the work has stopped (it finishes or rolls back
 * what it was doing and closes its sessions), and then throws InterruptedException: an interrupt that reached a
 * virtual thread inside socket I/O would close the socket under the JDBC or replication driver. Thread-safe; {@link
 * #run} blocks until the work ends.
 */
public final class UninterruptedRun {
    /** The work to run; it stops soon after {@code cancelled} turns true. */
    @FunctionalInterface
    public interface Work {
        void run(BooleanSupplier cancelled) throws InterruptedException;
    }

    private final String name;
    private final AtomicBoolean running = new AtomicBoolean();

    /** {@code name} names the thread and the work in messages ("replication of job x"). */
    public UninterruptedRun(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Runs {@code work} on a virtual thread and waits for it; throws IllegalStateException when a run is already going
     * on. A failure of the work is rethrown as it is (InterruptedException, unchecked exceptions, errors); a checked
     * one is wrapped in IllegalStateException. When the caller is interrupted, a failure of the stopping work other
     * than InterruptedException is added to the InterruptedException as suppressed.
     */
    public void run(Work work) throws InterruptedException {
        Objects.requireNonNull(work, "work");
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            runAlone(work);
        } finally {
            running.set(false);
        }
    }

    private void runAlone(Work work) throws InterruptedException {
        var cancelled = new AtomicBoolean();
        var failure = new AtomicReference<Throwable>();
        Thread worker = Thread.ofVirtual().name("ferry-" + name.replace(' ', '-')).start(() -> {
            try {
                work.run(cancelled::get);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            worker.join();
        } catch (InterruptedException e) {
            cancelled.set(true);
            joinUninterruptibly(worker);
            if (failure.get() != null && !(failure.get() instanceof InterruptedException)) {
                e.addSuppressed(failure.get());
            }
            throw e;
        }
        switch (failure.get()) {
            case null -> { }
            case InterruptedException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(name + " failed", e);
        }
    }

    private static void joinUninterruptibly(Thread worker) {
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
