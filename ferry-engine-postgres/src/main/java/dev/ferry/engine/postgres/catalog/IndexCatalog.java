package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the indexes that can be built right after a table's data is loaded: every valid index of a
 * plain table (leaf partitions included), among them those backing primary keys and unique
 * constraints. Indexes of exclusion constraints stay with the rest of the post-data schema. The
 * connection must use an empty {@code search_path} so that definitions name their schemas. Stateless.
 */
public final class IndexCatalog {
    private static final String QUERY = """
            SELECT n.nspname, t.relname, i.indexrelid, x.relname, pg_catalog.pg_get_indexdef(i.indexrelid),
                   k.oid, k.conname, k.contype = 'p', k.condeferrable, k.condeferred, s.spcname,
                   i.indisclustered, i.indisreplident,
                   (SELECT pg_catalog.string_agg(a.attnum || ':' || a.attstattarget, ',' ORDER BY a.attnum)
                      FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = i.indexrelid AND coalesce(a.attstattarget, -1) >= 0)
              FROM pg_catalog.pg_index i
              JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
              JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
              LEFT JOIN pg_catalog.pg_constraint k
                ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')
              LEFT JOIN pg_catalog.pg_tablespace s ON s.oid = x.reltablespace
             WHERE t.relkind = 'r' AND i.indisvalid AND i.indisready AND i.indislive
               AND coalesce(k.contype, 'i') <> 'x' AND %s%%s
             ORDER BY n.nspname, t.relname, x.relname""".formatted(UserObjects.USER_SCHEMA);

    private IndexCatalog() {}

    /** The buildable indexes of every user table, by table, each table's in name order. */
    public static Map<TableRef, List<IndexDef>> indexes(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY.formatted(""))) {
            return read(rs);
        }
    }

    /** The buildable indexes of {@code table}, in name order. */
    public static List<IndexDef> indexes(Connection c, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUERY.formatted(" AND n.nspname = ? AND t.relname = ?"))) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs).getOrDefault(table, List.of());
            }
        }
    }

    private static Map<TableRef, List<IndexDef>> read(ResultSet rs) throws SQLException {
        Map<TableRef, List<IndexDef>> byTable = new HashMap<>();
        while (rs.next()) {
            TableRef table = new TableRef(rs.getString(1), rs.getString(2));
            IndexDef.Constraint constraint = rs.getString(7) == null ? null : new IndexDef.Constraint(
                    rs.getLong(6), rs.getString(7), rs.getBoolean(8), rs.getBoolean(9), rs.getBoolean(10));
            IndexDef index = new IndexDef(table, rs.getLong(3), rs.getString(4), rs.getString(5), constraint,
                    rs.getString(11), rs.getBoolean(12), rs.getBoolean(13), statistics(rs.getString(14)));
            byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(index);
        }
        return byTable;
    }

    /** "1:500,3:100" -> targets. */
    static List<IndexDef.StatisticsTarget> statistics(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<IndexDef.StatisticsTarget> targets = new ArrayList<>();
        for (String pair : text.split(",")) {
            int colon = pair.indexOf(':');
            targets.add(new IndexDef.StatisticsTarget(Integer.parseInt(pair.substring(0, colon)),
                    Integer.parseInt(pair.substring(colon + 1))));
        }
        return targets;
    }
}
