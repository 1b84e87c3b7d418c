package dev.ferry.control.runner;

/**
 * Hands jobs to runners. The local implementation runs them in this process; a cluster-aware one
 * would hold a lease per job in a shared store. At most one runner works on a job at a time.
 */
public interface JobScheduler extends AutoCloseable {
    /** Runs {@code work} for {@code job} unless a runner already works on it; returns whether it was submitted. */
    boolean submit(String job, Runnable work);

    /** Interrupts the runner of {@code job}, if any, and waits up to the given seconds for it to end. */
    void cancel(String job, long waitSeconds);

    boolean isRunning(String job);

    /**
     * Waits until no runner works on {@code job}, at most {@code timeout}; returns at once when none does. Returns
     * whether none does. A watcher waits here instead of sleeping, so it sees a finished job the moment it ends.
     */
    boolean awaitIdle(String job, java.time.Duration timeout) throws InterruptedException;

    /** Interrupts every runner and waits briefly for them; jobs keep their recorded state. */
    @Override
    void close();
}
