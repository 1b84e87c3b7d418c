package dev.ferry.engine.mysql.copy;

import dev.ferry.engine.mysql.catalog.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fallback when the destination refuses LOAD DATA LOCAL: multi-row INSERTs with every value bound as
 * bytes, so that it arrives as a binary string exactly like the LOAD DATA path. Memory holds one batch.
 */
final class InsertWriter {
    private static final int MAX_ROWS = 1000;
    private static final int MAX_PARAMETERS = 60_000;
    private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final Connection destination;
    private final String quotedTable;
    private final String columnList;
    private final String rowPlaceholders;
    private final int rowsPerStatement;

    /**
     * @param jsonNeedsConvert whether JSON columns refuse binary strings (MySQL) and need CONVERT(... USING utf8mb4)
     */
    InsertWriter(Connection destination, String quotedTable, String columnList, List<Column> columns, boolean jsonNeedsConvert) {
        this.destination = destination;
        this.quotedTable = quotedTable;
        this.columnList = columnList;
        this.rowPlaceholders = columns.stream()
                .map(c -> jsonNeedsConvert && c.isJson() ? "CONVERT(? USING utf8mb4)" : "?")
                .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
        this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS, MAX_PARAMETERS / columns.size()));
    }

    /**
     * Inserts every remaining row; returns the rows the server reported inserted. {@code afterStatement} runs after
     * each INSERT (it may throw to end the copy there).
     */
    long copy(RowSource rows, CopyTally tally, Runnable afterStatement) throws SQLException {
        long inserted = 0;
        List<byte[][]> batch = new ArrayList<>(rowsPerStatement);
        long batchBytes = 0;
        try (PreparedStatement full = destination.prepareStatement(sql(rowsPerStatement))) {
            while (rows.next()) {
                byte[][] row = rows.row().clone();
                long size = 0;
                for (byte[] v : row) {
                    size += v == null ? 0 : v.length;
                }
                batch.add(row);
                batchBytes += size;
                tally.add(1, size);
                if (batch.size() == rowsPerStatement || batchBytes >= MAX_BATCH_BYTES) {
                    inserted += flush(batch, full);
                    batch.clear();
                    batchBytes = 0;
                    afterStatement.run();
                }
            }
            if (!batch.isEmpty()) {
                inserted += flush(batch, full);
            }
        }
        return inserted;
    }

    private int flush(List<byte[][]> batch, PreparedStatement full) throws SQLException {
        if (batch.size() == rowsPerStatement) {
            return execute(full, batch);
        }
        try (PreparedStatement partial = destination.prepareStatement(sql(batch.size()))) {
            return execute(partial, batch);
        }
    }

    private static int execute(PreparedStatement ps, List<byte[][]> batch) throws SQLException {
        int p = 1;
        for (byte[][] row : batch) {
            for (byte[] v : row) {
                ps.setBytes(p++, v);
            }
        }
        return ps.executeUpdate();
    }

    private String sql(int rowCount) {
        return "INSERT INTO " + quotedTable + " " + columnList + " VALUES "
                + String.join(", ", Collections.nCopies(rowCount, rowPlaceholders));
    }
}
