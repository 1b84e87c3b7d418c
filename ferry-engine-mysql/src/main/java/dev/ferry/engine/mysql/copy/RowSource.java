package dev.ferry.engine.mysql.copy;

import java.sql.SQLException;

/** Rows read forward once, each column as the server's bytes ({@code null} for SQL NULL). */
interface RowSource {
    int columnCount();

    /** Advances to the next row; false at the end. */
    boolean next() throws SQLException;

    /** The current row's values; the array may be reused by the next call. */
    byte[][] row() throws SQLException;
}
