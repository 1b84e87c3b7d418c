package dev.ferry.engine.mysql.copy;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A {@link RowSource} over a result set whose columns are all binary strings. */
final class ResultSetRows implements RowSource {
    private final ResultSet rs;
    private final byte[][] row;

    ResultSetRows(ResultSet rs, int columns) {
        this.rs = rs;
        this.row = new byte[columns][];
    }

    @Override
    public int columnCount() {
        return row.length;
    }

    @Override
    public boolean next() throws SQLException {
        return rs.next();
    }

    @Override
    public byte[][] row() throws SQLException {
        for (int i = 0; i < row.length; i++) {
            row[i] = rs.getBytes(i + 1);
        }
        return row;
    }
}
