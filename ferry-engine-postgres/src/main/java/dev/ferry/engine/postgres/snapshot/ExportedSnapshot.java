package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Position.PgLsn;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import dev.ferry.engine.postgres.connect.SessionSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exported source snapshot that other sessions (copy workers, pg_dump) import, and one session in it
 * for catalog work. Either a transaction that called {@code pg_export_snapshot()} (which is then also
 * the catalog session), or a snapshot exported by a replication slot whose connection (the
 * {@code holder}) must stay idle: the catalog session then imports it. The catalog session is shared:
 * use it only through {@link #withConnection}, which serialises callers; it reads catalogs only, so it
 * holds no lock on a user table. A later point ({@link #held}) has no catalog session. Every source session
 * opened here waits at most {@code lockWait} for a lock. Closing ends both.
 */
final class ExportedSnapshot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExportedSnapshot.class);

    private final Connection connection;
    private final String id;
    private final DatabaseConnection source;
    private final AutoCloseable holder;
    private final Duration lockWait;
    private final PgLsn position;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private ExportedSnapshot(Connection connection, String id, DatabaseConnection source, AutoCloseable holder,
            Duration lockWait, PgLsn position) {
        this.connection = connection;
        this.id = id;
        this.source = source;
        this.holder = holder;
        this.lockWait = lockWait;
        this.position = position;
    }

    /** Opens the exporting transaction on {@code source} (its database set). */
    static ExportedSnapshot export(DatabaseConnection source, Duration lockWait) {
        Connection c = PgConnector.open(source);
        try {
            SessionSettings.applyPortable(c);
            SessionSettings.applySource(c, lockWait);
            try (Statement st = c.createStatement()) {
                st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                    rs.next();
                    return new ExportedSnapshot(c, rs.getString(1), source, null, lockWait, null);
                }
            }
        } catch (SQLException e) {
            closeAfterFailure(c, e);
            throw PgErrors.translate(e, source, "exporting a snapshot");
        }
    }

    /**
     * Uses snapshot {@code id}, exported by {@code holder}'s session, which this object closes last. On
     * failure the holder stays the caller's.
     */
    static ExportedSnapshot adopt(DatabaseConnection source, String id, AutoCloseable holder, Duration lockWait) {
        return new ExportedSnapshot(importer(source, id, lockWait), id, source, holder, lockWait, null);
    }

    /**
     * A later consistent point: snapshot {@code id}, exported by {@code holder}'s session (closed last), at
     * replication position {@code position} (null for a one-time job's point). It has no catalog session.
     */
    static ExportedSnapshot held(DatabaseConnection source, String id, AutoCloseable holder, Duration lockWait,
            PgLsn position) {
        return new ExportedSnapshot(null, id, source, holder, lockWait, position);
    }

    String id() {
        return id;
    }

    /** The replication position of a later point of a continuous job; empty otherwise. */
    Optional<PgLsn> position() {
        return Optional.ofNullable(position);
    }

    /** Opens a new connection to the source that reads this snapshot (inside a transaction left open). */
    Connection openImporter() {
        return importer(source, id, lockWait);
    }

    /** Opens a source session outside any transaction, with the portable and source settings. */
    static Connection openSession(DatabaseConnection source, Duration lockWait) {
        Connection c = PgConnector.open(source);
        try {
            SessionSettings.applyPortable(c);
            SessionSettings.applySource(c, lockWait);
            return c;
        } catch (SQLException e) {
            closeAfterFailure(c, e);
            throw PgErrors.translate(e, source, "preparing a source session");
        }
    }

    /** Starts, on {@code c} (outside a transaction), a read-only transaction that reads this snapshot. */
    void begin(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT " + Dialect.POSTGRESQL.literal(id));
        }
    }

    private static Connection importer(DatabaseConnection source, String id, Duration lockWait) {
        Connection c = openSession(source, lockWait);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                st.execute("SET TRANSACTION SNAPSHOT " + Dialect.POSTGRESQL.literal(id));
            }
            return c;
        } catch (SQLException e) {
            closeAfterFailure(c, e);
            throw PgErrors.translate(e, source, "importing snapshot " + id);
        }
    }

    /** Work on the catalog session, one caller at a time. */
    <T> T withConnection(SqlWork<T> work, String doing) {
        lock.lock();
        try {
            if (connection == null) {
                throw new IllegalStateException("a later point of " + source.display() + " has no catalog session");
            }
            if (closed) {
                throw new IllegalStateException("the snapshot of " + source.display() + " is closed");
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw PgErrors.translate(e, source, doing);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (connection != null) {
                try (connection; Statement st = connection.createStatement()) {
                    st.execute("ROLLBACK");
                } catch (SQLException e) {
                    // Closing the connection ends the transaction anyway; nothing the caller can act on.
                    log.atDebug().addKeyValue("database", source.database()).setCause(e).log("snapshot rollback failed");
                }
            }
            if (holder != null) {
                try {
                    holder.close();
                } catch (Exception e) {
                    log.atWarn().addKeyValue("database", source.database()).setCause(e)
                            .log("closing the session that exported the snapshot failed; the server ends it later");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void closeAfterFailure(Connection c, SQLException e) {
        try {
            c.close();
        } catch (SQLException suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    /** JDBC work that may throw. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
