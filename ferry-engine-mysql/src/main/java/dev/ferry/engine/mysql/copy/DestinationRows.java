package dev.ferry.engine.mysql.copy;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import dev.ferry.engine.mysql.chunk.RangePredicate;
import java.sql.Connection;
import java.sql.SQLException;

/** What a resumed copy does to a destination table before loading: empty it, or delete the rows of some ranges. */
public final class DestinationRows {
    private DestinationRows() {}

    /** Empties the table when it holds any row (TRUNCATE, or DELETE where the user may not drop tables). */
    public static void empty(Connection c, TableRef table) throws SQLException {
        String quoted = Dialect.MYSQL.quote(table.schema(), table.table());
        if (Sql.query(c, "SELECT 1 FROM " + quoted + " LIMIT 1", rs -> 1).isEmpty()) {
            return;
        }
        try {
            Sql.execute(c, "TRUNCATE TABLE " + quoted);
        } catch (SQLException e) {
            if (e.getErrorCode() != SqlErrors.TABLE_ACCESS_DENIED && e.getErrorCode() != SqlErrors.DB_ACCESS_DENIED) {
                throw e;
            }
            Sql.execute(c, "DELETE FROM " + quoted);
        }
    }

    /** Deletes the rows matching {@code rows}; returns how many. */
    public static long delete(Connection c, TableRef table, RangePredicate rows) throws SQLException {
        return Sql.update(c, "DELETE FROM " + Dialect.MYSQL.quote(table.schema(), table.table()) + " WHERE " + rows.sql(),
                rows.params().toArray());
    }

    /** The table's row count. */
    public static long count(Connection c, TableRef table) throws SQLException {
        return Sql.queryLong(c, "SELECT COUNT(*) FROM " + Dialect.MYSQL.quote(table.schema(), table.table()));
    }
}
