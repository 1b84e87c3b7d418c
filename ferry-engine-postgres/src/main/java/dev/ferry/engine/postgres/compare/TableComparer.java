package dev.ferry.engine.postgres.compare;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what two copies of a table must agree on. The content hash is order-independent and streams:
 * each row's text form is hashed with md5 and the 128-bit hashes are summed in two 64-bit halves, so
 * the cost is one sequential scan plus an md5 per row, with constant memory (no sort, no aggregate
 * string). Row text depends on session settings; callers apply {@code SessionSettings.applyPortable}
 * on both sides first. Stateless; the caller owns the connection.
 */
public final class TableComparer {
    private TableComparer() {}

    public static Map<TableRef, Long> countRows(Connection c, List<TableRef> tables) throws SQLException {
        Map<TableRef, Long> counts = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            for (TableRef t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + Dialect.POSTGRESQL.quote(t.schema(), t.table()))) {
                    rs.next();
                    counts.put(t, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** {@code rows:sumOfHighHalves:sumOfLowHalves} per table. */
    public static Map<TableRef, String> contentHashes(Connection c, List<TableRef> tables) throws SQLException {
        Map<TableRef, String> hashes = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            for (TableRef t : tables) {
                try (ResultSet rs = st.executeQuery(hashSql(t))) {
                    rs.next();
                    hashes.put(t, rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                }
            }
        }
        return hashes;
    }

    static String hashSql(TableRef t) {
        // r.* is always the row (a column named like the alias cannot shadow a qualified star).
        return "SELECT count(*), coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text, "
                + "coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text "
                + "FROM (SELECT md5(ROW(r.*)::text) AS h FROM ONLY " + Dialect.POSTGRESQL.quote(t.schema(), t.table())
                + " AS r) AS hashed";
    }
}
