package dev.ferry.core.concurrent;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a statement that the server cancels once the calling thread is interrupted. A platform thread blocked in a JDBC
 * read does not notice its interrupt (see {@link StreamingThreads}): a long statement on one, such as an index build,
 * would otherwise hold a stop until it ends. The server then aborts the statement, which fails on the thread with the
 * server's "canceled" error; the caller tells it from other failures by the interrupt. A virtual thread checks the
 * interrupt every {@value #POLL_MILLIS} ms. Thread-safe.
 */
public final class CancelOnInterrupt {
    private static final Logger log = LoggerFactory.getLogger(CancelOnInterrupt.class);
    static final long POLL_MILLIS = 200;

    private final Thread watcher;
    private volatile boolean closed;

    private CancelOnInterrupt(Statement statement, Thread caller) {
        watcher = Thread.ofVirtual().name("ferry-cancel-on-interrupt").start(() -> {
            try {
                while (!closed) {
                    if (caller.isInterrupted()) {
                        statement.cancel();
                        return;
                    }
                    Thread.sleep(Duration.ofMillis(POLL_MILLIS));
                }
            } catch (InterruptedException e) {
                // closed
            } catch (SQLException e) {
                log.atDebug().addKeyValue("error", e.getMessage()).log("cancelling a statement after an interrupt failed");
            }
        });
    }

    /** {@link Statement#execute(String)}, cancelled on the server if the current thread is interrupted meanwhile. */
    public static boolean execute(Statement statement, String sql) throws SQLException {
        var watch = new CancelOnInterrupt(statement, Thread.currentThread());
        try {
            return statement.execute(sql);
        } finally {
            watch.closed = true;
            watch.watcher.interrupt();
        }
    }
}
