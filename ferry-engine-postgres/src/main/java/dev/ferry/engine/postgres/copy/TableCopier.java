package dev.ferry.engine.postgres.copy;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOperation;
import org.postgresql.copy.CopyOut;

/**
 * Streams one table from a source connection into a destination connection: {@code COPY (SELECT ...)
 * TO STDOUT} read message by message and written into {@code COPY ... FROM STDIN}, so memory holds one
 * row at a time. The destination truncates the table and loads it with {@code FREEZE} in one
 * transaction, so a failed copy leaves the table as it was. Not thread-safe; one instance per copy.
 */
public final class TableCopier {
    private static final long PROGRESS_INTERVAL_MILLIS = 250;

    private final Side source;
    private final Side destination;
    private final Clock clock;

    /** A connection and the server it reaches, for error messages. */
    public record Side(Connection connection, DatabaseConnection server) {}

    /**
     * {@code source} must already be inside the snapshot's transaction; {@code destination} is used in
     * its own transaction, committed on success and rolled back on failure.
     */
    public TableCopier(Side source, Side destination, Clock clock) {
        this.source = source;
        this.destination = destination;
        this.clock = clock;
    }

    /** The source query: only this table's rows (never inheritance children), the given columns. */
    static String selectSql(TableRef table, List<String> columns, CopyFormat format) {
        String list = columns.isEmpty() ? "" : " " + quoteAll(columns);
        return "COPY (SELECT" + list + " FROM ONLY " + Dialect.POSTGRESQL.quote(table.schema(), table.table())
                + ") TO STDOUT (FORMAT " + format.option() + ")";
    }

    static String loadSql(TableRef table, List<String> columns, CopyFormat format) {
        String list = columns.isEmpty() ? "" : " (" + quoteAll(columns) + ")";
        return "COPY " + Dialect.POSTGRESQL.quote(table.schema(), table.table()) + list
                + " FROM STDIN (FORMAT " + format.option() + ", FREEZE)";
    }

    private static String quoteAll(List<String> columns) {
        return columns.stream().map(Dialect.POSTGRESQL::quote).collect(Collectors.joining(", "));
    }

    public CopyResult copy(TableRef table, List<String> columns, CopyFormat format, CopyProgress progress) {
        ProgressThrottle throttle = new ProgressThrottle(progress, clock, PROGRESS_INTERVAL_MILLIS);
        Connection dest = destination.connection();
        try {
            dest.setAutoCommit(false);
            try (Statement st = dest.createStatement()) {
                // TRUNCATE in this transaction lets COPY FREEZE write frozen rows and makes a retry idempotent.
                st.execute("TRUNCATE ONLY " + Dialect.POSTGRESQL.quote(table.schema(), table.table()));
            }
        } catch (SQLException e) {
            rollback(dest, e);
            throw PgErrors.translate(e, destination.server(), "emptying table " + table);
        }
        CopyIn in;
        try {
            in = dest.unwrap(PGConnection.class).getCopyAPI().copyIn(loadSql(table, columns, format));
        } catch (SQLException e) {
            rollback(dest, e);
            throw PgErrors.translate(e, destination.server(), "starting to load table " + table);
        }
        CopyOut out = null;
        long rows = 0;
        long bytes = 0;
        try {
            out = source.connection().unwrap(PGConnection.class).getCopyAPI().copyOut(selectSql(table, columns, format));
            byte[] data;
            while ((data = read(out, table)) != null) {
                write(in, data, table);
                rows++;
                bytes += data.length;
                throttle.update(rows, bytes);
                if ((rows & 0x3FF) == 0 && Thread.currentThread().isInterrupted()) {
                    throw new FerryException(ErrorCode.CANCELLED, "Copying table %s was interrupted".formatted(table));
                }
            }
            long loaded = endCopy(in, table);
            dest.commit();
            throttle.finish(loaded, bytes);
            return new CopyResult(loaded, bytes);
        } catch (SQLException e) {
            abandon(in, out, e);
            rollback(dest, e);
            throw PgErrors.translate(e, source.server(), "reading table " + table);
        } catch (RuntimeException e) {
            abandon(in, out, e);
            rollback(dest, e);
            throw e;
        }
    }

    private byte[] read(CopyOut out, TableRef table) {
        try {
            return out.readFromCopy();
        } catch (SQLException e) {
            throw PgErrors.translate(e, source.server(), "reading table " + table);
        }
    }

    private void write(CopyIn in, byte[] data, TableRef table) {
        try {
            in.writeToCopy(data, 0, data.length);
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination.server(), "loading table " + table);
        }
    }

    private long endCopy(CopyIn in, TableRef table) {
        try {
            return in.endCopy();
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination.server(), "loading table " + table);
        }
    }

    /** Stops whichever COPY is still running so both connections are usable (or at least closable). */
    private static void abandon(CopyOperation in, CopyOperation out, Exception failure) {
        for (CopyOperation op : new CopyOperation[] {in, out}) {
            if (op != null && op.isActive()) {
                try {
                    op.cancelCopy();
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private static void rollback(Connection c, Exception failure) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
