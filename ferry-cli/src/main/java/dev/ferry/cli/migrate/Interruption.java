package dev.ferry.cli.migrate;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C (SIGINT) or SIGTERM during an in-process migration: a shutdown hook runs the registered stop
 * action, waits for the command to wind down (it notices {@link #requested()}, reports and closes
 * its resources, then closes this), and ends the process with exit code 1. Without a signal,
 * {@link #close()} just removes the hook. Thread-safe.
 */
public final class Interruption implements AutoCloseable {
    private static final Duration WIND_DOWN = Duration.ofSeconds(60);

    private final AtomicReference<Runnable> onInterrupt = new AtomicReference<>(() -> { });
    private final CountDownLatch wound = new CountDownLatch(1);
    private final Thread hook = new Thread(this::interrupted, "ferry-interrupt");
    private volatile boolean requested;

    private Interruption() {}

    public static Interruption install() {
        Interruption interruption = new Interruption();
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    /** What to do first when interrupted (stop the job); replaces the previous action. */
    public void onInterrupt(Runnable action) {
        onInterrupt.set(action);
    }

    /** Whether a signal asked this process to stop. */
    public boolean requested() {
        return requested;
    }

    private void interrupted() {
        requested = true;
        try {
            onInterrupt.get().run();
            wound.await(WIND_DOWN.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // the JVM is shutting down; halt so that the exit code is 1 rather than the signal's
            Runtime.getRuntime().halt(1);
        }
    }

    @Override
    public void close() {
        if (requested) {
            wound.countDown();
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutdown began between the check and the removal: let the hook finish its work
            wound.countDown();
        }
    }
}
