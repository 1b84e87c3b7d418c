package dev.ferry.engine.postgres.catalog;

import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Dependency;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Foreign keys and views of the current database, as dependencies between tables. */
public final class Dependencies {
    private static final String QUERY = """
            SELECT sn.nspname, s.relname, tn.nspname, t.relname, 'foreign key'
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class s ON s.oid = k.conrelid JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
            JOIN pg_catalog.pg_class t ON t.oid = k.confrelid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
            WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
            UNION
            SELECT vn.nspname, v.relname, tn.nspname, t.relname, 'view'
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
            JOIN pg_catalog.pg_class v ON v.oid = r.ev_class JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
            JOIN pg_catalog.pg_class t ON t.oid = d.refobjid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
            WHERE v.relkind IN ('v', 'm') AND t.relkind IN ('r', 'p') AND v.oid <> t.oid
              AND vn.nspname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1, 2, 3, 4""";

    private Dependencies() {}

    public static List<Dependency> read(Connection c) throws SQLException {
        List<Dependency> found = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
                found.add(new Dependency(new TableRef(rs.getString(1), rs.getString(2)),
                        new TableRef(rs.getString(3), rs.getString(4)), rs.getString(5)));
            }
        }
        return found;
    }
}
