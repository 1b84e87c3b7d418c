package dev.ferry.engine.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers: statements without results, and queries with bound parameters. */
public final class Sql {
    private Sql() {}

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs each statement in order (DDL and SET statements that take no parameters). */
    public static void execute(Connection c, String... statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            // DDL text is executed exactly as SHOW CREATE printed it: no JDBC {escape} rewriting.
            s.setEscapeProcessing(false);
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Runs one statement with bound parameters. */
    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Runs a query; without parameters through a plain statement, so that identifiers holding {@code ?} are
     * never taken for placeholders.
     */
    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        if (params.length == 0) {
            try (Statement s = c.createStatement()) {
                s.setEscapeProcessing(false);
                try (ResultSet rs = s.executeQuery(sql)) {
                    return rows(rs, mapper);
                }
            }
        }
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rows(rs, mapper);
        }
    }

    private static <T> List<T> rows(ResultSet rs, RowMapper<T> mapper) throws SQLException {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(mapper.map(rs));
        }
        return rows;
    }

    public static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        List<T> rows = query(c, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.getFirst());
    }

    public static Optional<String> queryString(Connection c, String sql, Object... params) throws SQLException {
        return queryOne(c, sql, rs -> rs.getString(1), params);
    }

    public static long queryLong(Connection c, String sql, Object... params) throws SQLException {
        return queryOne(c, sql, rs -> rs.getLong(1), params)
                .orElseThrow(() -> new SQLException("no row returned by " + sql));
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
