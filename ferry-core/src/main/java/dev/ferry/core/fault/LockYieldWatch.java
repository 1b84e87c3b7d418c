package dev.ferry.core.fault;

import dev.ferry.core.Closing;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes long read statements of Ferry give way to the sessions that wait for their locks, so that a source
 * application never waits on Ferry: while a registered statement runs, one extra session polls the server for
 * sessions waiting on it ({@link #watchOnce}, the engine's query), and the statement is interrupted on the server
 * ({@link #giveWay}); the caller sees it {@linkplain Running#yieldedTo() yielded} and runs it again a little later.
 * The polling runs on its own virtual thread, started with the first statement, reconnecting after a failure, until
 * closed. Thread-safe.
 *
 * @param <K> how the server names a session (a backend pid, a connection id)
 * @param <R> a running statement, with what the engine needs to match waiters to it
 */
public abstract class LockYieldWatch<K, R extends LockYieldWatch.Running<K>> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LockYieldWatch.class);

    /** A statement running on the session {@link #session()}. */
    public static class Running<K> {
        private final K session;
        private final ReentrantLock lock = new ReentrantLock();
        private boolean ended;
        private volatile String yieldedTo;

        protected Running(K session) {
            this.session = session;
        }

        public K session() {
            return session;
        }

        /** The waiting statement (its shape) this one was interrupted for; null while it was not. */
        public String yieldedTo() {
            return yieldedTo;
        }
    }

    /** Interrupts a statement on the server. */
    @FunctionalInterface
    protected interface Interrupt {
        void run() throws SQLException;
    }

    /** The statements running now, by session. */
    protected final ConcurrentMap<K, R> running = new ConcurrentHashMap<>();
    private final String database;
    private final Duration poll;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile boolean stopped;
    private Thread thread;

    /** {@code database} names the watch in logs; {@code lockWait} is the statements' lock wait, polled 4 times in it. */
    protected LockYieldWatch(String database, Duration lockWait) {
        this.database = database;
        this.poll = Duration.ofMillis(Math.max(50, Math.min(250, lockWait.toMillis() / 4)));
    }

    /** Opens the watching session. */
    protected abstract Connection open() throws SQLException;

    /** Looks once for sessions waiting on {@link #running} statements and {@linkplain #giveWay gives way} to them. */
    protected abstract void watchOnce(Connection c) throws SQLException;

    /** Registers a statement about to run; pass it to {@link #end}. */
    protected final R register(R r) {
        running.put(r.session(), r);
        lifecycle.lock();
        try {
            if (thread == null && !stopped) {
                thread = Thread.ofVirtual().name("ferry-validation-yield-" + database).start(this::run);
            }
        } finally {
            lifecycle.unlock();
        }
        return r;
    }

    /** The statement ended (either way): it is no longer interrupted for a waiter. */
    public final void end(R r) {
        Running<K> s = r;
        s.lock.lock();
        try {
            s.ended = true;
            running.remove(r.session(), r);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * Interrupts {@code r}'s statement for {@code waiter} unless it ended or was interrupted already. Holding
     * {@code r}'s lock, its session cannot start its next statement meanwhile: an interrupt that arrives after the
     * statement ended finds the session idle, where the server ignores it.
     */
    protected final void giveWay(R r, String waiter, Interrupt interrupt) throws SQLException {
        Running<K> s = r;
        s.lock.lock();
        try {
            if (s.ended || s.yieldedTo != null) {
                return;
            }
            // Marked first: the statement may fail before the interrupt returns.
            s.yieldedTo = waiter;
            try {
                interrupt.run();
            } catch (SQLException e) {
                s.yieldedTo = null;
                throw e;
            }
        } finally {
            s.lock.unlock();
        }
        log.atInfo().addKeyValue("database", database).addKeyValue("waiter", waiter)
                .log("a validation statement gave way to a session waiting for its lock");
    }

    private void run() {
        Connection c = null;
        try {
            while (!stopped) {
                try {
                    if (!running.isEmpty()) {
                        if (c == null) {
                            c = open();
                        }
                        watchOnce(c);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    log.atWarn().addKeyValue("database", database).addKeyValue("error", e.getMessage())
                            .log("watching for sessions waiting on validation's locks failed; trying again");
                    Closing.quietly(c, "the lock watch session");
                    c = null;
                }
                Thread.sleep(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Closing.quietly(c, "the lock watch session");
        }
    }

    @Override
    public void close() {
        Thread t;
        lifecycle.lock();
        try {
            stopped = true;
            t = thread;
        } finally {
            lifecycle.unlock();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
