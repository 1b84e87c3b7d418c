package dev.ferry.core.spi.engine;

/**
 * Guards the writes of a job's runner when several Ferry servers share one store and the job runs under a lease:
 * {@link #check} passes while this node still holds the lease it was given, and throws the store's lease-lost refusal
 * (a {@link dev.ferry.core.FerryException}) once the job moved to another node, so a node that was frozen past its
 * lease writes nothing after it wakes up. Engines call it immediately before each write that is not already fenced
 * by the {@link #epoch} recorded in the same destination transaction (apply commits): each table copy's commit, each
 * replayed DDL statement, each read-only/writable switch and sequence synchronisation, each drop of a slot or
 * publication. {@link #NONE} (one server, no leases) never refuses. Thread-safe.
 */
public interface Fence {
    /** No fencing: a job on a single server, without leases. */
    Fence NONE = new Fence() {
        @Override
        public long epoch() {
            return 0;
        }

        @Override
        public void check() {}

        @Override
        public String toString() {
            return "Fence.NONE";
        }
    };

    /** The epoch of the lease the job runs under (it grows each time the lease moves); 0 without fencing. */
    long epoch();

    /**
     * Passes when this node still holds the job's lease; throws the lease-lost refusal otherwise, having written
     * nothing. The caller lets it propagate (its cause chain intact): the runner then drops the job.
     */
    void check();

    /** How the message of a refusal by a destination ({@link #refused}) begins. */
    String REFUSAL = "Refused a write of migration job";

    /**
     * A destination's refusal of a commit under {@code epoch} because a newer owner of {@code job} recorded its epoch
     * there ({@code where} names the destination and table, without credentials). The runner treats it as a lost lease.
     */
    static dev.ferry.core.FerryException refused(String job, long epoch, String where) {
        return new dev.ferry.core.FerryException(dev.ferry.core.ErrorCode.FAILED_PRECONDITION, (REFUSAL + " %s with lease "
                + "epoch %d: a newer owner of the job records its position in %s. This node dropped the job; its new owner "
                + "runs it").formatted(job, epoch, where));
    }

    /** Whether {@code failure}, or one of its causes, is a refusal made by {@link #refused}. */
    static boolean refusedIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof dev.ferry.core.FerryException f && f.getMessage() != null && f.getMessage().startsWith(REFUSAL)) {
                return true;
            }
        }
        return false;
    }
}
