package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What splitting a table into ranges needs: its single-column integer primary key and that key's
 * bounds, or its size in heap blocks. Read inside the snapshot, bounds are the snapshot's. Stateless;
 * the caller owns the connection.
 */
public final class SplitCatalog {
    private SplitCatalog() {}

    /** The column of {@code table}'s primary key when it is one {@code smallint}, {@code integer} or {@code bigint} column. */
    public static Optional<String> integerKey(Connection c, TableRef table) throws SQLException {
        String sql = """
                SELECT a.attname FROM pg_catalog.pg_constraint k
                  JOIN pg_catalog.pg_class t ON t.oid = k.conrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                 WHERE k.contype = 'p' AND pg_catalog.array_length(k.conkey, 1) = 1
                   AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                                      'pg_catalog.int8'::pg_catalog.regtype)
                   AND n.nspname = ? AND t.relname = ?""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * How closely the heap follows the order of {@code column} (-1 to 1), from the planner statistics;
     * empty when the table was never analyzed.
     */
    public static Optional<Double> correlation(Connection c, TableRef table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT correlation FROM pg_catalog.pg_stats "
                + "WHERE schemaname = ? AND tablename = ? AND attname = ? AND NOT inherited")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                double value = rs.getDouble(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(value);
            }
        }
    }

    /** The smallest and largest value of {@code column} in the table; empty when the table has no rows. */
    public static Optional<long[]> keyBounds(Connection c, TableRef table, String column) throws SQLException {
        String col = Dialect.POSTGRESQL.quote(column);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT min(" + col + "), max(" + col
                + ") FROM ONLY " + Dialect.POSTGRESQL.quote(table.schema(), table.table()))) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? Optional.empty() : Optional.of(new long[] {min, rs.getLong(2)});
        }
    }

    /** The number of heap blocks of {@code table} now (rows of the snapshot are all below it). */
    public static long blocks(Connection c, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_relation_size(t.oid) "
                + "/ pg_catalog.current_setting('block_size')::bigint FROM pg_catalog.pg_class t "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
