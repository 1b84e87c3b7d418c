package dev.ferry.engine.mysql.snapshot;

import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps tables that a consistent-snapshot transaction cannot cover (MyISAM, Aria, MEMORY...) read-locked from
 * the global read lock until each is copied, so their rows match the snapshot's position. Writers to those
 * tables wait meanwhile; copy them early. Released when the last is copied or the snapshot closes.
 * Thread-safe.
 */
final class TableReadLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TableReadLock.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Connection connection;
    private final Set<TableRef> pending;
    private boolean released;

    /** Takes over a connection that holds {@code LOCK TABLES ... READ} on {@code tables}. */
    TableReadLock(Connection connection, Set<TableRef> tables) {
        this.connection = connection;
        this.pending = new HashSet<>(tables);
    }

    /** Whether {@code table} is one of the read-locked tables still waiting for its copy. */
    boolean holds(TableRef table) {
        lock.lock();
        try {
            return !released && pending.contains(table);
        } finally {
            lock.unlock();
        }
    }

    /** Marks a table copied; the last one releases the lock. */
    void copied(TableRef table) {
        lock.lock();
        try {
            if (pending.remove(table) && pending.isEmpty()) {
                release();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        try (connection) {
            Sql.execute(connection, "UNLOCK TABLES");
        } catch (SQLException e) {
            // Closing the session releases its table locks anyway.
            log.atDebug().addKeyValue("error", e.getMessage()).log("UNLOCK TABLES failed; the connection is closed instead");
        }
        log.atInfo().log("non-transactional tables unlocked");
    }
}
