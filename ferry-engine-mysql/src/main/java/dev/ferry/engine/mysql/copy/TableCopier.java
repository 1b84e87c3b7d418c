package dev.ferry.engine.mysql.copy;

import dev.ferry.core.fault.StallWatch;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.catalog.Column;
import dev.ferry.engine.mysql.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the rows of one chunk: a streaming {@code SELECT CAST(col AS BINARY) ... WHERE <range>} (see
 * {@link Column#binaryExpression()}) on a source (snapshot) connection feeds a loading session the same bytes, the
 * way {@link LoadTarget.Method} says: bulk INSERTs on MariaDB, {@code LOAD DATA LOCAL INFILE ... CHARACTER SET binary}
 * in statements of bounded size on MySQL (and for tables with values too large for one command), multi-row INSERTs
 * where LOAD DATA LOCAL is refused. Generated columns are skipped. One copier serves one source server (it keeps that
 * server's {@code max_allowed_packet} once read); thread-safe, and each call uses the connections it is given.
 */
public final class TableCopier {
    private static final Logger log = LoggerFactory.getLogger(TableCopier.class);
    private static final Dialect D = Dialect.MYSQL;
    private static final long STATEMENT_ROWS = 200_000;
    private static final long STATEMENT_BYTES = 64L * 1024 * 1024;
    private static final long FETCH_BYTES = 16L * 1024 * 1024;
    private static final int ER_NOT_ALLOWED_COMMAND = 1148;
    /** Room in a command beyond a row's values: the values' lengths and the command's header. */
    private static final long PACKET_MARGIN = 1024 * 1024;
    private static final int ER_CLIENT_LOCAL_FILES_DISABLED = 3948;
    private static final int ER_LOAD_INFILE_CAPABILITY_DISABLED = 4166;

    /** The source's {@code max_allowed_packet}, read at the first chunk that needs it (0: not yet). */
    private volatile long sourcePacket;

    /**
     * Copies the rows into the same table of the destination's database, named like the source's, and returns how
     * many rows and bytes moved. On failure the source connection may be left mid-stream and is aborted.
     */
    public CopyResult copy(SourceRows rows, LoadTarget destination, TableTally tableTally) {
        TableSchema table = rows.table();
        List<Column> columns = table.copiedColumns();
        String quotedTable = D.quote(table.ref().schema(), table.ref().table());
        String select = columns.stream().map(Column::binaryExpression)
                .collect(Collectors.joining(", ", "SELECT ", " FROM " + quotedTable + " WHERE " + rows.where().sql()));
        CopyTally tally = new CopyTally(tableTally);
        Connection source = rows.connection();
        boolean streaming = false;
        try (PreparedStatement s = source.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            LoadTarget.Method method = method(destination, columns, source);
            List<Object> params = rows.where().params();
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            s.setFetchSize(fetchSize(rows.estimatedRowBytes()));
            streaming = true;
            try (ResultSet rs = query(s)) {
                RowSource rowSource = new ResultSetRows(rs, columns.size());
                long loaded = switch (method) {
                    case BULK_INSERT -> bulkInsert(destination, rowSource, table, quotedTable, columns, tally);
                    case LOAD_DATA -> loadData(destination, rowSource, table, quotedTable, columns, tally);
                    case INSERT -> insert(destination, rowSource, table, quotedTable, columns, tally);
                };
                if (loaded != tally.rows()) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Destination table %s accepted %d of %d rows;"
                            + " check the warnings logged for it and that the table was empty").formatted(table.ref(), loaded, tally.rows()));
                }
            }
        } catch (SourceFailure e) {
            abort(source);
            throw SqlErrors.map(e.sqlCause(), rows.server(), "read the rows of table " + table.ref());
        } catch (SQLException e) {
            if (streaming) {
                abort(source);
            }
            throw SqlErrors.map(e, destination.server(), "load the rows of table " + table.ref());
        } catch (RuntimeException e) {
            if (streaming) {
                abort(source);
            }
            throw e;
        }
        tally.flush();
        log.atDebug().addKeyValue("table", table.ref().toString()).addKeyValue("range", rows.where().sql())
                .addKeyValue("rows", tally.rows()).addKeyValue("bytes", tally.bytes()).log("rows copied");
        return new CopyResult(tally.rows(), tally.bytes());
    }

    /**
     * The session's method, or its method for values that may not fit in one command when the table has columns that
     * may hold such values. A row the source sends fits in one of its packets, of at most its {@code max_allowed_packet}:
     * a destination that takes commands larger by a margin (for the values' lengths and the command's header) takes
     * any row in one bulk command.
     */
    private LoadTarget.Method method(LoadTarget destination, List<Column> columns, Connection source) {
        if (columns.stream().noneMatch(Column::mayBeHuge) || destination.method() == destination.hugeValuesMethod()) {
            return destination.method();
        }
        if (sourcePacket == 0) {
            try {
                sourcePacket = Sql.queryLong(source, "SELECT @@max_allowed_packet");
            } catch (SQLException e) {
                throw new SourceFailure(e);
            }
        }
        return destination.maxPacket() >= sourcePacket + PACKET_MARGIN ? destination.method() : destination.hugeValuesMethod();
    }

    private static ResultSet query(PreparedStatement s) {
        try {
            return s.executeQuery();
        } catch (SQLException e) {
            throw new SourceFailure(e);
        }
    }

    /**
     * Loads the chunk with bulk INSERTs in one transaction, committed (after the lease's check, under a lease) once
     * every row is in. A batch the network still held when its connection was given up can then never commit: its
     * session ends, silent, after the stall timeout (see {@link LoadSession}) and its rows roll back, while the retry
     * waits for the table's locks.
     */
    private static long bulkInsert(LoadTarget target, RowSource rows, TableSchema table, String quotedTable,
            List<Column> columns, CopyTally tally) throws SQLException {
        Connection dest = target.connection();
        Duration stallTimeout = target.server().effectiveStallTimeout();
        // The server ends a loading session silent for the stall timeout: batches go well within it.
        var writer = new BulkInsertWriter(dest, quotedTable, columns, target.jsonConvert(), stallTimeout.dividedBy(3));
        dest.setAutoCommit(false);
        StallWatch watch = StallWatch.start(dest, stallTimeout, table.ref());
        try (watch) {
            long inserted = writer.copy(sourceFailing(rows), tally, () -> {
                watch.moved();
                stopIfInterrupted(table);
            }, w -> logWarnings(w, table));
            target.fence().check();
            watch.moved();
            dest.commit();
            dest.setAutoCommit(true);
            return inserted;
        } catch (SQLException e) {
            // The session is closed after a failed load: rolling back is all it needs.
            rollbackQuietly(dest, table);
            if (watch.fired()) {
                throw stalled(target, table, e);
            }
            throw e;
        } catch (RuntimeException e) {
            rollbackQuietly(dest, table);
            throw e;
        }
    }

    private static FerryException stalled(LoadTarget target, TableSchema table, SQLException cause) {
        return new FerryException(ErrorCode.UNAVAILABLE, ("Lost the connection to %s at %s:%d while loading "
                + "table %s: the load moved no byte for %d s (stalled connection); check that the server is "
                + "up and retry").formatted(target.server().engine().id(), target.server().host(),
                target.server().port(), table.ref(), target.server().effectiveStallTimeout().toSeconds()), cause);
    }

    private static long loadData(LoadTarget target, RowSource rows, TableSchema table, String quotedTable, List<Column> columns,
            CopyTally tally) throws SQLException {
        Connection dest = target.connection();
        boolean jsonConvert = target.jsonConvert();
        String sql = loadDataStatement(quotedTable, columns, jsonConvert);
        RowChunkStream stream = new RowChunkStream(rows, STATEMENT_ROWS, STATEMENT_BYTES, tally);
        long loaded = 0;
        // A destination that stops taking bytes blocks the driver's writes, which have no timeout: the watch ends
        // the connection when nothing moved for the stall timeout, and the load fails as a lost connection.
        StallWatch watch = StallWatch.start(dest, target.server().effectiveStallTimeout(), table.ref());
        InputStream watched = new FilterInputStream(stream) {
            @Override
            public int read() throws IOException {
                watch.moved();
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                watch.moved();
                return super.read(b, off, len);
            }
        };
        // Under a lease each chunk's load is its own transaction, committed only once the lease is checked.
        boolean fenced = target.fence() != dev.ferry.core.spi.engine.Fence.NONE;
        if (fenced) {
            dest.setAutoCommit(false);
        }
        try (watch; Statement s = dest.createStatement()) {
            s.setEscapeProcessing(false);
            do {
                stream.nextChunk();
                watch.moved();
                s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(watched);
                long count;
                try {
                    count = s.executeUpdate(sql);
                    watch.moved();
                } catch (SQLException e) {
                    if (stream.failure() != null) {
                        throw new SourceFailure(stream.failure());
                    }
                    if (watch.fired()) {
                        throw stalled(target, table, e);
                    }
                    boolean refused = e.getErrorCode() == ER_NOT_ALLOWED_COMMAND || e.getErrorCode() == ER_CLIENT_LOCAL_FILES_DISABLED
                            || e.getErrorCode() == ER_LOAD_INFILE_CAPABILITY_DISABLED;
                    if (refused && tally.rows() == 0) {
                        warnInsertFallback(table, SqlErrors.serverMessage(e));
                        watch.close(); // INSERTs report no progress to it; their reads time out instead
                        long inserted = insert(target, rows, table, quotedTable, columns, tally);
                        if (fenced) {
                            target.fence().check();
                            dest.commit();
                        }
                        return inserted;
                    }
                    throw e;
                }
                if (stream.failure() != null) {
                    throw new SourceFailure(stream.failure());
                }
                logWarnings(s.getWarnings(), table);
                s.clearWarnings();
                if (count != stream.chunkRows()) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Destination table %s accepted %d of %d rows of a"
                            + " LOAD DATA chunk; check the warnings logged for it and that the table was empty")
                            .formatted(table.ref(), loaded + count, loaded + stream.chunkRows()));
                }
                if (fenced) {
                    target.fence().check();
                    dest.commit();
                }
                loaded += count;
                stopIfInterrupted(table);
            } while (!stream.sourceExhausted());
        } catch (SQLException | RuntimeException e) {
            if (fenced) {
                rollbackQuietly(dest, table);
            }
            throw e;
        } finally {
            if (fenced) {
                restoreAutoCommit(dest, table);
            }
        }
        return loaded;
    }

    /**
     * A stop (an interrupt) ends the chunk between two statements: what it loaded is rolled back, or, committed
     * statement by statement, deleted with the chunk's range when the copy resumes.
     */
    private static void stopIfInterrupted(TableSchema table) {
        if (Thread.currentThread().isInterrupted()) {
            throw new FerryException(ErrorCode.CANCELLED, "Copying table %s was interrupted".formatted(table.ref()));
        }
    }

    /**
     * Rolls back a chunk's load that did not commit. A connection already gone (a cut or stalled one) has nothing to
     * roll back here: the server rolls its session back when it ends. Another failure is logged.
     */
    private static void rollbackQuietly(Connection dest, TableSchema table) {
        try {
            if (!dest.isClosed()) {
                dest.rollback();
            }
        } catch (SQLException e) {
            log.atWarn().addKeyValue("table", table.ref().toString()).addKeyValue("reason", SqlErrors.serverMessage(e))
                    .log("could not roll back an unfinished load; the server rolls it back when the session ends");
        }
    }

    private static void restoreAutoCommit(Connection dest, TableSchema table) {
        try {
            if (!dest.isClosed()) {
                dest.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.atWarn().addKeyValue("table", table.ref().toString()).addKeyValue("reason", SqlErrors.serverMessage(e))
                    .log("could not restore autocommit on a loading session; it is closed after this load");
        }
    }

    private static long insert(LoadTarget target, RowSource rows, TableSchema table, String quotedTable, List<Column> columns,
            CopyTally tally) throws SQLException {
        target.fence().check();
        return new InsertWriter(target.connection(), quotedTable, columnList(columns), columns, target.jsonConvert())
                .copy(sourceFailing(rows), tally, () -> stopIfInterrupted(table));
    }

    /** {@code rows}, their reading failures thrown as {@link SourceFailure}s to tell them from the destination's. */
    private static RowSource sourceFailing(RowSource rows) {
        return new RowSource() {
            @Override
            public int columnCount() {
                return rows.columnCount();
            }

            @Override
            public boolean next() {
                try {
                    return rows.next();
                } catch (SQLException e) {
                    throw new SourceFailure(e);
                }
            }

            @Override
            public byte[][] row() {
                try {
                    return rows.row();
                } catch (SQLException e) {
                    throw new SourceFailure(e);
                }
            }
        };
    }

    static String loadDataStatement(String quotedTable, List<Column> columns, boolean jsonConvert) {
        List<String> targets = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (jsonConvert && c.isJson()) {
                String variable = "@ferry_" + i;
                targets.add(variable);
                sets.add(D.quote(c.name()) + " = CONVERT(" + variable + " USING utf8mb4)");
            } else {
                targets.add(D.quote(c.name()));
            }
        }
        // No FIELDS/LINES clause: the defaults (TAB, LF, backslash) do not depend on NO_BACKSLASH_ESCAPES.
        return loadDataPrefix(quotedTable) + "CHARACTER SET binary ("
                + String.join(", ", targets) + ")" + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
    }

    /** How every LOAD DATA into {@code quotedTable} starts: {@link AbandonedLoads} finds them on the server by it. */
    static String loadDataPrefix(String quotedTable) {
        return "LOAD DATA LOCAL INFILE 'ferry.tsv' INTO TABLE " + quotedTable + " ";
    }

    private static String columnList(List<Column> columns) {
        return columns.stream().map(c -> D.quote(c.name())).collect(Collectors.joining(", ", "(", ")"));
    }

    /** Rows per network fetch: about 16 MiB of rows, between 16 and 10,000. */
    static int fetchSize(long estimatedRowBytes) {
        if (estimatedRowBytes <= 0) {
            return 1000;
        }
        return (int) Math.max(16, Math.min(10_000, FETCH_BYTES / estimatedRowBytes));
    }

    private static void logWarnings(SQLWarning first, TableSchema table) {
        int shown = 0;
        for (SQLWarning w = first; w != null && shown < 5; w = w.getNextWarning(), shown++) {
            log.atWarn().addKeyValue("table", table.ref().toString()).addKeyValue("code", w.getErrorCode())
                    .addKeyValue("warning", w.getMessage()).log("destination warned while loading rows");
        }
    }

    private static void warnInsertFallback(TableSchema table, String reason) {
        log.atWarn().addKeyValue("table", table.ref().toString()).addKeyValue("reason", reason)
                .log("LOAD DATA LOCAL refused; copying with batched INSERT (slower). Enable local_infile on the destination");
    }

    private static void abort(Connection source) {
        try {
            source.abort(Runnable::run);
        } catch (SQLException e) {
            log.atDebug().addKeyValue("error", e.getMessage()).log("aborting the source connection failed");
        }
    }
}
