package dev.ferry.core.spi.engine;

import dev.ferry.core.model.Position;

/**
 * One database's change replication: streams committed changes from the source and applies them to
 * the destination in source commit order, many source transactions per destination transaction, with
 * the applied position written in the same destination transaction as the changes it covers. After
 * any crash, a new replication for the same job resumes from the destination's recorded position:
 * nothing is lost or applied twice. The source is told (slot confirmation) only what is durably
 * applied. Not thread-safe except {@link #stopAt} and {@link #sourceHead}, which another thread may
 * call while {@link #run} works. The caller closes it.
 */
public interface Replication extends AutoCloseable {

    /**
     * Streams and applies until a position given to {@link #stopAt} is applied (then returns), or the
     * thread is interrupted (then throws InterruptedException after committing or rolling back cleanly).
     * Failures throw {@link dev.ferry.core.FerryException}; a statement that cannot be applied is named
     * in the message.
     */
    void run(ReplicationListener listener) throws InterruptedException;

    /** Asks {@link #run} to return once everything up to {@code position} is applied. */
    void stopAt(Position position);

    /** The source's current end of log: everything committed there so far is at or before it. Read now. */
    Position sourceHead();

    /** The last position durably applied on the destination, read now (the start when nothing is). */
    Position applied();

    @Override
    void close();
}
