package dev.ferry.engine.mysql.copy;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.spi.engine.CopyProgress;
import dev.ferry.core.spi.engine.CopyResult;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.catalog.Column;
import dev.ferry.engine.mysql.schema.TableSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one table: a streaming {@code SELECT CAST(col AS BINARY) ...} (see {@link Column#binaryExpression()}) on a source (snapshot) connection
 * feeds {@code LOAD DATA LOCAL INFILE ... CHARACTER SET binary} on a new destination connection, in chunks of
 * bounded size; when the destination refuses LOAD DATA LOCAL, batched INSERTs carry the same bytes.
 * Generated columns are skipped. Thread-safe; each call uses the connections it is given or opens.
 */
public final class TableCopier {
    private static final Logger log = LoggerFactory.getLogger(TableCopier.class);
    private static final Dialect D = Dialect.MYSQL;
    private static final long CHUNK_ROWS = 200_000;
    private static final long CHUNK_BYTES = 64L * 1024 * 1024;
    private static final long FETCH_BYTES = 16L * 1024 * 1024;
    private static final int ER_NOT_ALLOWED_COMMAND = 1148;
    private static final int ER_CLIENT_LOCAL_FILES_DISABLED = 3948;

    private final MySqlConnector connector;
    private final Clock clock;
    private final boolean useLoadData;

    /** @param useLoadData false forces the INSERT path (tests, or a destination known to refuse LOAD DATA) */
    public TableCopier(MySqlConnector connector, Clock clock, boolean useLoadData) {
        this.connector = connector;
        this.clock = clock;
        this.useLoadData = useLoadData;
    }

    /**
     * Copies the table's rows as {@code source} sees them into the same table of the destination database
     * named like the source's. On failure the source connection may be left mid-stream and is aborted.
     *
     * @param estimatedRowBytes average row size for sizing fetches, 0 when unknown
     */
    public CopyResult copy(Connection source, DatabaseConnection sourceServer, TableSchema table,
            DatabaseConnection destination, long estimatedRowBytes, CopyProgress progress) {
        String database = table.ref().schema();
        List<Column> columns = table.copiedColumns();
        String quotedTable = D.quote(database, table.ref().table());
        String select = columns.stream().map(Column::binaryExpression)
                .collect(Collectors.joining(", ", "SELECT ", " FROM " + quotedTable));
        CopyTally tally = new CopyTally(clock, progress);
        boolean streaming = false;
        try (Connection dest = connector.open(destination, database, MySqlConnector.Role.DESTINATION)) {
            Sql.execute(dest, "SET SESSION unique_checks = 0, SESSION foreign_key_checks = 0");
            boolean loadData = useLoadData && Sql.queryLong(dest, "SELECT @@GLOBAL.local_infile") == 1;
            if (useLoadData && !loadData) {
                warnInsertFallback(table, "local_infile is OFF on the destination");
            }
            boolean jsonConvert = ServerVersion.of(dest).flavor() == Flavor.MYSQL;
            try (Statement s = source.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(fetchSize(estimatedRowBytes));
                streaming = true;
                try (ResultSet rs = query(s, select)) {
                    RowSource rows = new ResultSetRows(rs, columns.size());
                    long loaded = loadData
                            ? loadData(dest, rows, table, quotedTable, columns, jsonConvert, tally)
                            : insert(dest, rows, quotedTable, columns, jsonConvert, tally);
                    if (loaded != tally.rows()) {
                        throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Destination table %s accepted %d of %d rows;"
                                + " check the warnings logged for it and that the table was empty").formatted(table.ref(), loaded, tally.rows()));
                    }
                }
            }
        } catch (SourceFailure e) {
            abort(source);
            throw SqlErrors.map(e.sqlCause(), sourceServer, "read the rows of table " + table.ref());
        } catch (SQLException e) {
            if (streaming) {
                abort(source);
            }
            throw SqlErrors.map(e, destination, "load the rows of table " + table.ref());
        } catch (RuntimeException e) {
            if (streaming) {
                abort(source);
            }
            throw e;
        }
        tally.finish();
        log.atInfo().addKeyValue("table", table.ref().toString()).addKeyValue("rows", tally.rows())
                .addKeyValue("bytes", tally.bytes()).log("table copied");
        return new CopyResult(tally.rows(), tally.bytes());
    }

    private static ResultSet query(Statement s, String select) {
        try {
            return s.executeQuery(select);
        } catch (SQLException e) {
            throw new SourceFailure(e);
        }
    }

    private long loadData(Connection dest, RowSource rows, TableSchema table, String quotedTable, List<Column> columns,
            boolean jsonConvert, CopyTally tally) throws SQLException {
        String sql = loadDataStatement(quotedTable, columns, jsonConvert);
        RowChunkStream stream = new RowChunkStream(rows, CHUNK_ROWS, CHUNK_BYTES, tally);
        long loaded = 0;
        try (Statement s = dest.createStatement()) {
            s.setEscapeProcessing(false);
            do {
                stream.nextChunk();
                s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(stream);
                long count;
                try {
                    count = s.executeUpdate(sql);
                } catch (SQLException e) {
                    if (stream.failure() != null) {
                        throw new SourceFailure(stream.failure());
                    }
                    boolean refused = e.getErrorCode() == ER_NOT_ALLOWED_COMMAND || e.getErrorCode() == ER_CLIENT_LOCAL_FILES_DISABLED;
                    if (refused && tally.rows() == 0) {
                        warnInsertFallback(table, SqlErrors.serverMessage(e));
                        return insert(dest, rows, quotedTable, columns, jsonConvert, tally);
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
                loaded += count;
            } while (!stream.sourceExhausted());
        }
        return loaded;
    }

    private static long insert(Connection dest, RowSource rows, String quotedTable, List<Column> columns, boolean jsonConvert,
            CopyTally tally) throws SQLException {
        RowSource failingAsSource = new RowSource() {
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
        return new InsertWriter(dest, quotedTable, columnList(columns), columns, jsonConvert).copy(failingAsSource, tally);
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
        return "LOAD DATA LOCAL INFILE 'ferry.tsv' INTO TABLE " + quotedTable + " CHARACTER SET binary ("
                + String.join(", ", targets) + ")" + (sets.isEmpty() ? "" : " SET " + String.join(", ", sets));
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
