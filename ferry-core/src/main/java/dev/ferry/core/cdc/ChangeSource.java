package dev.ferry.core.cdc;

/**
 * An engine's change stream: reads the source's log from a position, decodes it, and hands the pipeline what is to
 * be applied (changes of tables the job does not select, or copied at a later position, never reach it). Runs on the
 * pipeline's reader thread; {@link #acknowledge} may be called from any thread.
 *
 * @param <P> the engine's position type
 */
public interface ChangeSource<P> extends AutoCloseable {
    /**
     * Streams from {@code from} (a transaction boundary, already applied by every partition) into {@code out} until
     * {@code out} says the pipeline is done, then returns. A lost connection or a change that cannot be read throws.
     */
    void stream(P from, Events<P> out) throws InterruptedException;

    /**
     * Everything up to {@code applied} is durable on the destination: the source may release it (slot confirmation).
     * Never called with a position the destination has not committed.
     */
    void acknowledge(P applied);

    @Override
    void close();

    /** Where a source puts its events. */
    interface Events<P> {
        /**
         * Queues one event, waiting while the queue is full. Events may be held back and handed over in bulk: a
         * barrier and a {@link ChangeEvent.Reached} go at once, the others within a few milliseconds or at {@link
         * #flush}.
         */
        void put(ChangeEvent<P> event) throws InterruptedException;

        /** Hands over what is held back; a source calls it when it has nothing more to read for now. */
        void flush() throws InterruptedException;

        /** True once the pipeline stops: the source returns from {@link #stream}. */
        boolean done();
    }
}
