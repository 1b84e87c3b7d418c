package dev.ferry.engine.postgres.copy;

import dev.ferry.core.fault.StallWatch;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOperation;
import org.postgresql.copy.CopyOut;

/**
 * Streams rows from a source connection into a destination connection: {@code COPY (SELECT ...) TO
 * STDOUT} read message by message and written into {@code COPY ... FROM STDIN} in batches of up to
 * {@value #BATCH_BYTES} bytes, so memory holds one batch (or one larger row) whatever the table's size.
 * The destination runs the load in one transaction (after {@link Load#before()}), committed on success
 * and rolled back on failure, so a failed load leaves the destination as it was. Not thread-safe; one
 * instance per pair of connections.
 */
public final class TableCopier {
    /** COPY FROM does not need rows to align with messages; fewer, larger messages cost the server less. */
    static final int BATCH_BYTES = 128 * 1024;

    private final Side source;
    private final Side destination;
    private final java.time.Duration stallTimeout;
    private final dev.ferry.core.spi.engine.Fence fence;

    /** A connection and the server it reaches, for error messages. */
    public record Side(Connection connection, DatabaseConnection server) {}

    /**
     * What one COPY moves and how the destination takes it: {@code before} runs first in the load's
     * transaction (for a whole table: dropping leftovers and {@code TRUNCATE}, which lets {@code freeze}
     * write frozen rows).
     */
    public record Load(TableRef table, List<String> columns, CopyFormat format, CopyRange range, boolean freeze,
            List<String> before) {
        public Load {
            Objects.requireNonNull(table, "table");
            columns = List.copyOf(columns);
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(range, "range");
            before = List.copyOf(before);
        }
    }

    /** {@code source} must already be inside the snapshot's transaction; {@code destination} in autocommit mode. */
    public TableCopier(Side source, Side destination) {
        this(source, destination, dev.ferry.engine.postgres.connect.PgConnector.STALL_TIMEOUT);
    }

    /**
     * As above; a COPY that moves no byte for {@code stallTimeout} fails as a lost connection (see {@link StallWatch}).
     */
    public TableCopier(Side source, Side destination, java.time.Duration stallTimeout) {
        this(source, destination, stallTimeout, dev.ferry.core.spi.engine.Fence.NONE);
    }

    /** As above; each load's commit is preceded by {@code fence}'s check, and refused (rolled back) when it fails. */
    public TableCopier(Side source, Side destination, dev.ferry.core.spi.engine.Fence fence) {
        this(source, destination, dev.ferry.engine.postgres.connect.PgConnector.STALL_TIMEOUT, fence);
    }

    private TableCopier(Side source, Side destination, java.time.Duration stallTimeout, dev.ferry.core.spi.engine.Fence fence) {
        this.source = source;
        this.destination = destination;
        this.stallTimeout = Objects.requireNonNull(stallTimeout, "stallTimeout");
        this.fence = Objects.requireNonNull(fence, "fence");
    }

    /** The source query: only this table's rows (never inheritance children), the given columns, the range. */
    static String selectSql(TableRef table, List<String> columns, CopyFormat format, CopyRange range) {
        String list = columns.isEmpty() ? "" : " " + quoteAll(columns);
        String where = range.predicate().isEmpty() ? "" : " WHERE " + range.predicate();
        return "COPY (SELECT" + list + " FROM ONLY " + Dialect.POSTGRESQL.quote(table.schema(), table.table()) + where
                + ") TO STDOUT (FORMAT " + format.option() + ")";
    }

    static String loadSql(TableRef table, List<String> columns, CopyFormat format, boolean freeze) {
        String list = columns.isEmpty() ? "" : " (" + quoteAll(columns) + ")";
        return "COPY " + Dialect.POSTGRESQL.quote(table.schema(), table.table()) + list
                + " FROM STDIN (FORMAT " + format.option() + (freeze ? ", FREEZE)" : ")");
    }

    private static String quoteAll(List<String> columns) {
        return columns.stream().map(Dialect.POSTGRESQL::quote).collect(Collectors.joining(", "));
    }

    /** Runs {@code load}; returns the rows the destination loaded. */
    public long copy(Load load, CopyMeter meter) {
        TableRef table = load.table();
        Connection dest = destination.connection();
        try {
            dest.setAutoCommit(false);
            try (Statement st = dest.createStatement()) {
                for (String sql : load.before()) {
                    st.execute(sql);
                }
            }
        } catch (SQLException e) {
            rollback(dest, e);
            throw PgErrors.translate(e, destination.server(), "preparing table " + table);
        }
        CopyIn in;
        try {
            in = dest.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(loadSql(table, load.columns(), load.format(), load.freeze()));
        } catch (SQLException e) {
            rollback(dest, e);
            throw PgErrors.translate(e, destination.server(), "starting to load table " + table);
        }
        CopyOut out = null;
        StallWatch watch = StallWatch.start(dest, stallTimeout, table);
        try {
            out = source.connection().unwrap(PGConnection.class).getCopyAPI()
                    .copyOut(selectSql(table, load.columns(), load.format(), load.range()));
            pump(out, in, table, meter, watch);
            long loaded = endCopy(in, table);
            watch.close();
            fence.check();
            dest.commit();
            dest.setAutoCommit(true);
            return loaded;
        } catch (SQLException e) {
            watch.close();
            abandon(in, out, e);
            rollback(dest, e);
            throw stalled(watch, table, PgErrors.translate(e, source.server(), "reading table " + table));
        } catch (RuntimeException e) {
            watch.close();
            abandon(in, out, e);
            rollback(dest, e);
            throw stalled(watch, table, e);
        }
    }

    /** {@code failure}, or what it means when the watch ended a COPY that stopped moving. */
    private RuntimeException stalled(StallWatch watch, TableRef table, RuntimeException failure) {
        if (!watch.fired()) {
            return failure;
        }
        return new FerryException(ErrorCode.UNAVAILABLE, ("Lost the connection to PostgreSQL at %s:%d while loading table "
                + "%s: the copy moved no byte for %d s (stalled connection); check that the server is up and retry")
                .formatted(destination.server().host(), destination.server().port(), table, stallTimeout.toSeconds()), failure);
    }

    private void pump(CopyOut out, CopyIn in, TableRef table, CopyMeter meter, StallWatch watch) {
        byte[] batch = new byte[BATCH_BYTES];
        int used = 0;
        long rows = 0;
        byte[] data;
        while ((data = read(out, table)) != null) {
            if ((rows & 255) == 0) {
                // Every 256th row (and every write below) tells the watch the copy moves: reading the clock at every
                // row cost about 2% of Ferry's CPU.
                watch.moved();
            }
            if (used + data.length > batch.length) {
                write(in, batch, used, table);
                watch.moved();
                meter.add(rows, used);
                used = 0;
                rows = 0;
                if (Thread.currentThread().isInterrupted()) {
                    throw new FerryException(ErrorCode.CANCELLED, "Copying table %s was interrupted".formatted(table));
                }
            }
            if (data.length > batch.length) {
                write(in, data, data.length, table);
                watch.moved();
                meter.add(1, data.length);
            } else {
                System.arraycopy(data, 0, batch, used, data.length);
                used += data.length;
                rows++;
            }
        }
        if (used > 0) {
            write(in, batch, used, table);
            watch.moved();
            meter.add(rows, used);
        }
    }

    private byte[] read(CopyOut out, TableRef table) {
        try {
            return out.readFromCopy();
        } catch (SQLException e) {
            throw PgErrors.translate(e, source.server(), "reading table " + table);
        }
    }

    private void write(CopyIn in, byte[] data, int length, TableRef table) {
        try {
            in.writeToCopy(data, 0, length);
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
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }
}
