package dev.ferry.cli.migrate;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C (SIGINT) and SIGTERM during an in-process command. Each signal is counted
 * ({@link #signals()}); the first one also runs the registered action (stop the job), and the command
 * notices {@link #requested()}, winds down and returns its exit code. The signal numbered
 * {@link #quitAt(int)} (the second by default) ends the process at once with exit code 130, for a user
 * who does not want to wait. Where the JVM cannot handle signals, a shutdown hook runs the action,
 * waits for the command to wind down and ends the process with exit code 1. Other shutdowns (SIGHUP)
 * take that path too. {@link #close()} restores the previous handlers. Thread-safe.
 */
public final class Interruption implements AutoCloseable {
    private static final Duration WIND_DOWN = Duration.ofSeconds(60);
    private static final int QUIT_EXIT_CODE = 130;

    private final PrintWriter err;
    private final AtomicReference<Runnable> onInterrupt = new AtomicReference<>(() -> { });
    private final AtomicInteger signals = new AtomicInteger();
    private final CountDownLatch wound = new CountDownLatch(1);
    private final Thread hook = new Thread(this::shutdown, "ferry-interrupt");
    private volatile int quitAt = 2;
    private volatile String quitMessage = "Interrupted again: quitting at once";
    private volatile boolean shuttingDown;
    private Signals.Registration handlers;

    private Interruption(PrintWriter err) {
        this.err = err;
    }

    /** Handles SIGINT and SIGTERM (or, where impossible, installs a shutdown hook); messages go to {@code err}. */
    public static Interruption install(PrintWriter err) {
        Interruption interruption = new Interruption(err);
        Optional<Signals.Registration> registration = Signals.handle(List.of("INT", "TERM"), interruption::signalled);
        interruption.handlers = registration.orElse(null);
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    /** What to do first when interrupted (stop the job); replaces the previous action. */
    public void onInterrupt(Runnable action) {
        onInterrupt.set(action);
    }

    /**
     * From which signal on the process quits at once (default 2), and what it prints then: a command
     * that gives the second signal a meaning raises it.
     */
    public void quitAt(int signal, String message) {
        if (signal < 2) {
            throw new IllegalArgumentException("the first signal always reaches the command");
        }
        this.quitAt = signal;
        this.quitMessage = message;
    }

    /** Whether a signal asked this process to stop. */
    public boolean requested() {
        return signals.get() > 0;
    }

    /** How many signals arrived so far. */
    public int signals() {
        return signals.get();
    }

    private void signalled(String name) {
        int count = signals.incrementAndGet();
        if (count >= quitAt) {
            err.printf("%n%s (SIG%s)%n", quitMessage, name);
            err.flush();
            Runtime.getRuntime().halt(QUIT_EXIT_CODE);
        }
        if (count == 1) {
            // off the JVM's signal thread, so that a slow action cannot hold back the next signal
            Thread.ofVirtual().name("ferry-interrupt-action").start(onInterrupt.get());
        }
    }

    private void shutdown() {
        shuttingDown = true;
        if (signals.getAndIncrement() == 0) {
            onInterrupt.get().run();
        }
        try {
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
        if (handlers != null) {
            handlers.restore();
            handlers = null;
        }
        if (shuttingDown) {
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
