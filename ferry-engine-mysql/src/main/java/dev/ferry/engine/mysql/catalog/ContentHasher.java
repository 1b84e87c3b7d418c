package dev.ferry.engine.mysql.catalog;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An order-independent digest of a table's rows, computed by the server in one scan.
 *
 * <p>Each row becomes {@code MD5} of its columns, each column written as its byte length, a colon and its
 * bytes as {@link Column#binaryExpression()} reads them (or {@code N} for NULL), so no two different rows
 * encode alike. The digest is the row count, the
 * exact SUM of the first 60 bits of every row hash, and the XOR of the last 64 bits: equal multisets of
 * rows give equal digests; different ones collide with a probability of about 2^-60 for accidental
 * differences. It is not a defence against rows crafted to collide. Values compare as the server prints
 * them in UTC, so two servers of the same flavor agree; floating-point columns compare at the precision the
 * server prints.
 */
public final class ContentHasher {
    private ContentHasher() {}

    /** The digest query for a table with the given columns (all of them, generated ones included). */
    public static String query(TableRef table, List<Column> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + table + " has no columns");
        }
        String row = columns.stream()
                .map(Column::binaryExpression)
                .map(v -> "COALESCE(CONCAT(LENGTH(" + v + "), ':', " + v + "), 'N')")
                .collect(Collectors.joining(", ", "CONCAT(", ")"));
        return "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(SUBSTRING(h, 1, 15), 16, 10) AS UNSIGNED)), 0),"
                + " COALESCE(BIT_XOR(CAST(CONV(SUBSTRING(h, 17, 16), 16, 10) AS UNSIGNED)), 0)"
                + " FROM (SELECT MD5(" + row + ") AS h FROM " + Dialect.MYSQL.quote(table.schema(), table.table()) + ") d";
    }

    /** Runs the digest query: {@code rows=N sum=S xor=X}. */
    public static String digest(Connection c, TableRef table, List<Column> columns) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query(table, columns))) {
            rs.next();
            return "rows=" + rs.getString(1) + " sum=" + rs.getString(2) + " xor=" + rs.getString(3);
        }
    }
}
