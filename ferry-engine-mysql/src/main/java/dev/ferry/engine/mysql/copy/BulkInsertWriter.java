package dev.ferry.engine.mysql.copy;

import dev.ferry.core.Dialect;
import dev.ferry.engine.mysql.catalog.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Loads rows through one prepared single-row INSERT executed for a batch of rows at a time. On a loading session
 * ({@link dev.ferry.engine.mysql.MySqlConnector.Role#LOADER}) the MariaDB driver sends each batch as one
 * COM_STMT_BULK_EXECUTE: the statement was parsed once, and every value travels as a binary string, the bytes the
 * source printed, exactly as LOAD DATA's {@code CHARACTER SET binary} takes them.
 *
 * <p>A batch ends at {@value #BATCH_ROWS} rows, at {@value #BATCH_BYTES} bytes, or once it has been filling for
 * {@code pause}, so that the server hears from Ferry well within the time after which it ends a silent loading
 * session. Memory holds one batch. Used by one thread.
 */
final class BulkInsertWriter {
    static final int BATCH_ROWS = 4_096;
    static final long BATCH_BYTES = 512L * 1024;
    private static final int CLOCK_EVERY_ROWS = 256;
    private static final long LARGE_ROW_BYTES = 64 * 1024;

    private final Connection destination;
    private final String sql;
    private final long pauseNanos;

    /**
     * @param jsonConvert whether JSON columns refuse binary strings (MySQL) and need CONVERT(... USING utf8mb4)
     * @param pause the longest a batch fills before it is sent
     */
    BulkInsertWriter(Connection destination, String quotedTable, List<Column> columns, boolean jsonConvert, Duration pause) {
        this.destination = destination;
        this.sql = "INSERT INTO " + quotedTable
                + columns.stream().map(c -> Dialect.MYSQL.quote(c.name())).collect(Collectors.joining(", ", " (", ")"))
                + columns.stream().map(c -> jsonConvert && c.isJson() ? "CONVERT(? USING utf8mb4)" : "?")
                        .collect(Collectors.joining(", ", " VALUES (", ")"));
        this.pauseNanos = pause.toNanos();
    }

    /**
     * Inserts every remaining row and returns how many the server reported inserted. {@code progress} runs before and
     * after each batch is sent; {@code warnings} receives the server's warnings of a batch, when it had any.
     */
    long copy(RowSource rows, CopyTally tally, Runnable progress, Consumer<SQLWarning> warnings) throws SQLException {
        long inserted = 0;
        try (PreparedStatement ps = destination.prepareStatement(sql)) {
            int batchRows = 0;
            long batchBytes = 0;
            long batchStarted = System.nanoTime();
            while (rows.next()) {
                byte[][] row = rows.row();
                long size = 0;
                for (int i = 0; i < row.length; i++) {
                    byte[] v = row[i];
                    ps.setBytes(i + 1, v);
                    if (v != null) {
                        size += v.length;
                    }
                }
                ps.addBatch();
                tally.add(1, size);
                batchRows++;
                batchBytes += size;
                // The clock is read every few hundred rows, and after any large row (a slow source, or a throttled
                // read, may take long over one).
                if (batchRows == BATCH_ROWS || batchBytes >= BATCH_BYTES
                        || (batchRows % CLOCK_EVERY_ROWS == 0 || size >= LARGE_ROW_BYTES) && System.nanoTime() - batchStarted >= pauseNanos) {
                    inserted += execute(ps, progress, warnings);
                    batchRows = 0;
                    batchBytes = 0;
                    batchStarted = System.nanoTime();
                }
            }
            if (batchRows > 0) {
                inserted += execute(ps, progress, warnings);
            }
        }
        return inserted;
    }

    private static long execute(PreparedStatement ps, Runnable progress, Consumer<SQLWarning> warnings) throws SQLException {
        progress.run();
        long[] counts = ps.executeLargeBatch();
        progress.run();
        long inserted = 0;
        for (long c : counts) {
            // Servers without per-row results answer "success, count unknown" for each row.
            inserted += c == Statement.SUCCESS_NO_INFO ? 1 : c;
        }
        SQLWarning w = ps.getWarnings();
        if (w != null) {
            warnings.accept(w);
            ps.clearWarnings();
        }
        return inserted;
    }
}
