package dev.ferry.engine.postgres.index;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.concurrent.CancelOnInterrupt;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.internal.Workers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds indexes on the destination: a table's indexes share out over up to {@code maxConnections}
 * sessions (several {@code CREATE INDEX} on one table run at once; each takes only a SHARE lock), and
 * every build, across all tables of a snapshot, holds one of the shared {@code permits} so that the
 * sessions sorting at once, each with a generous {@code maintenance_work_mem}, stay bounded.
 * Thread-safe.
 */
public final class IndexBuilder {
    private static final Logger log = LoggerFactory.getLogger(IndexBuilder.class);
    /** The least maintenance_work_mem of a building session (kB): large sorts stay in memory. */
    static final long MAINTENANCE_WORK_MEM_KB = 512 * 1024;

    private final DatabaseConnection destination;
    private final Semaphore permits;
    private final boolean keepTablespaces;

    public IndexBuilder(DatabaseConnection destination, Semaphore permits, boolean keepTablespaces) {
        this.destination = destination;
        this.permits = permits;
        this.keepTablespaces = keepTablespaces;
    }

    /** Prepares a session for building: more memory for sorts, no wait for WAL flush at commit. */
    public static void prepare(Connection c) throws SQLException {
        PgConnector.allowLongSilence(c);
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_catalog.set_config('maintenance_work_mem', GREATEST(pg_catalog.pg_size_bytes("
                    + "pg_catalog.current_setting('maintenance_work_mem')) / 1024, " + MAINTENANCE_WORK_MEM_KB
                    + ")::text, false), pg_catalog.set_config('synchronous_commit', 'off', false)");
        }
    }

    /**
     * Builds {@code indexes} using {@code first} (an open destination session in autocommit mode, kept
     * open) and up to {@code maxConnections - 1} more sessions opened here. Fails on the first failure;
     * interrupted, it fails with {@code CANCELLED}.
     */
    public void build(List<IndexDef> indexes, Connection first, int maxConnections) {
        if (indexes.isEmpty()) {
            return;
        }
        Queue<IndexDef> queue = new ConcurrentLinkedQueue<>(indexes);
        int workers = Math.max(1, Math.min(indexes.size(), maxConnections));
        List<Callable<Void>> tasks = new ArrayList<>();
        tasks.add(() -> drain(queue, first));
        for (int i = 1; i < workers; i++) {
            tasks.add(() -> {
                try (Connection c = PgConnector.open(destination)) {
                    return drain(queue, c);
                }
            });
        }
        Workers.runAll(tasks, "Building the indexes of " + indexes.getFirst().table());
    }

    private Void drain(Queue<IndexDef> queue, Connection c) throws InterruptedException {
        try {
            prepare(c);
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "preparing to build indexes");
        }
        IndexDef index;
        while ((index = queue.poll()) != null) {
            permits.acquire();
            try {
                create(c, index);
            } finally {
                permits.release();
            }
        }
        return null;
    }

    private void create(Connection c, IndexDef index) {
        long started = System.nanoTime();
        boolean tablespace = keepTablespaces && index.tablespace() != null;
        try (Statement st = c.createStatement()) {
            if (tablespace) {
                st.execute("SET default_tablespace = " + Dialect.POSTGRESQL.quote(index.tablespace()));
            }
            CancelOnInterrupt.execute(st, index.definition());
            if (tablespace) {
                st.execute("RESET default_tablespace");
            }
        } catch (SQLException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new FerryException(ErrorCode.CANCELLED, "Building index %s of table %s was interrupted"
                        .formatted(index.name(), index.table()), e);
            }
            throw PgErrors.translate(e, destination, "building index %s of table %s".formatted(index.name(), index.table()));
        }
        log.atDebug().addKeyValue("table", index.table()).addKeyValue("index", index.name())
                .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000).log("index built");
    }
}
