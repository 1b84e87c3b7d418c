package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.Closing;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.IndexCatalog;
import dev.ferry.engine.postgres.catalog.IndexDef;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The source's catalog as it is now, outside any snapshot, on one session opened on first use: whether a table
 * changed since a point was taken, its indexes now, and whether another session's transaction is still open.
 * Each question is its own short statement, so the session holds no lock. Thread-safe (callers take turns);
 * closing closes the session.
 */
final class CurrentCatalog implements AutoCloseable {

    private final DatabaseConnection source;
    private final Duration lockWait;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;

    CurrentCatalog(DatabaseConnection source, Duration lockWait) {
        this.source = source;
        this.lockWait = lockWait;
    }

    /** See {@link TableCatalog#fingerprint}. */
    Optional<String> fingerprint(TableRef table) {
        return call(c -> TableCatalog.fingerprint(c, table), "reading the definition of " + table);
    }

    /** The buildable indexes of {@code table} now. */
    List<IndexDef> indexes(TableRef table) {
        return call(c -> IndexCatalog.indexes(c, table), "reading the indexes of " + table);
    }

    /** True while the transaction that session {@code pid} started at {@code transactionStart} is open. */
    boolean inTransaction(int pid, String transactionStart) {
        return call(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_stat_activity "
                    + "WHERE pid = ? AND xact_start::text = ?")) {
                ps.setInt(1, pid);
                ps.setString(2, transactionStart);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }, "looking up session " + pid);
    }

    private <T> T call(ExportedSnapshot.SqlWork<T> work, String doing) {
        lock.lock();
        try {
            if (connection == null) {
                Connection c = ExportedSnapshot.openSession(source, lockWait);
                try (Statement st = c.createStatement()) {
                    // An empty search_path makes pg_get_indexdef name every schema.
                    st.execute("SET search_path = ''");
                } catch (SQLException e) {
                    Closing.quietly(c, "the catalog session");
                    throw PgErrors.translate(e, source, doing);
                }
                connection = c;
            }
            return work.run(connection);
        } catch (SQLException e) {
            Closing.quietly(connection, "the catalog session");
            connection = null;
            throw PgErrors.translate(e, source, doing);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                Closing.quietly(connection, "the catalog session");
                connection = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
