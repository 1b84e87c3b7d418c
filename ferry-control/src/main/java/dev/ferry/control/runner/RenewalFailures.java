package dev.ferry.control.runner;

import com.github.kagkarlsson.scheduler.CurrentlyExecuting;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import java.util.concurrent.atomic.AtomicLong;

/** Counts db-scheduler's failed lease heartbeats (renewals of this node's job leases) for the node's metrics. */
final class RenewalFailures extends AbstractSchedulerListener {
    private final AtomicLong failed;

    RenewalFailures(AtomicLong failed) {
        this.failed = failed;
    }

    @Override
    public void onExecutionFailedHeartbeat(CurrentlyExecuting execution) {
        failed.incrementAndGet();
    }
}
