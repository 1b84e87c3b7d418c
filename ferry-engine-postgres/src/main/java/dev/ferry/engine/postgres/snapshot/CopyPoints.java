package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.model.Position;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consistent points table copies read: the snapshot's own (the base), and later ones opened for a table
 * that must be read after a change to it (a DDL the copy gave way to, or one that came before its copy
 * started). A later point is shared by every copy that needs one opened after the same moment, and closed
 * (ending its exporting session, and a continuous job's temporary slot) when the last copy using it lets go.
 * Thread-safe; closing closes the later points still open (the base is its owner's).
 */
final class CopyPoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CopyPoints.class);

    private final ExportedSnapshot base;
    private final Supplier<ExportedSnapshot> opener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ExportedSnapshot, Integer> uses = new HashMap<>();
    private ExportedSnapshot latest;
    private long latestOpenedNanos;
    private boolean closed;

    /** {@code opener} exports a new consistent point (blocking). */
    CopyPoints(ExportedSnapshot base, Supplier<ExportedSnapshot> opener) {
        this.base = base;
        this.opener = opener;
    }

    /** The snapshot's own point. */
    Lease base() {
        return new Lease(base, true);
    }

    /** A point whose snapshot was taken after {@code nanos} ({@link System#nanoTime()}), opening one if needed. */
    Lease after(long nanos) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the snapshot's points are closed");
            }
            if (latest == null || latestOpenedNanos < nanos) {
                long opening = System.nanoTime();
                latest = opener.get();
                latestOpenedNanos = opening;
                uses.put(latest, 0);
            }
            uses.merge(latest, 1, Integer::sum);
            return new Lease(latest, false);
        } finally {
            lock.unlock();
        }
    }

    private void release(ExportedSnapshot point) {
        lock.lock();
        try {
            Integer left = uses.computeIfPresent(point, (p, n) -> n - 1);
            if (left == null || left > 0) {
                return;
            }
            uses.remove(point);
            if (point == latest) {
                latest = null;
            }
        } finally {
            lock.unlock();
        }
        point.close();
        log.atDebug().addKeyValue("snapshot", point.id()).log("later consistent point closed");
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            uses.keySet().forEach(ExportedSnapshot::close);
            uses.clear();
            latest = null;
        } finally {
            lock.unlock();
        }
    }

    /** One copy's use of a point; closing it (once or more) lets go. */
    final class Lease implements AutoCloseable {
        private final ExportedSnapshot point;
        private final boolean isBase;
        private boolean released;

        private Lease(ExportedSnapshot point, boolean isBase) {
            this.point = point;
            this.isBase = isBase;
        }

        ExportedSnapshot point() {
            return point;
        }

        /** True for the snapshot's own point. */
        boolean isBase() {
            return isBase;
        }

        /** The replication position of a later point of a continuous job; empty for the base and one-time points. */
        Optional<Position> readAt() {
            return isBase ? Optional.empty() : point.position().map(p -> p);
        }

        @Override
        public void close() {
            if (!released && !isBase) {
                released = true;
                release(point);
            }
        }
    }
}
