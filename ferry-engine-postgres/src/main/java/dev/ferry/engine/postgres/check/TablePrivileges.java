package dev.ferry.engine.postgres.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import dev.ferry.engine.postgres.catalog.UserObjects;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the tables and sequences of a database the current user cannot read (no USAGE on the schema or
 * no SELECT on the relation): pg_dump and COPY would fail on them. Stateless.
 */
final class TablePrivileges {
    private static final int SHOWN = 20;
    private static final String QUERY = """
            SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'S') AND %s
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                               AND d.objid = c.oid AND d.deptype = 'e')
               AND NOT (pg_catalog.has_schema_privilege(n.oid, 'USAGE')
                        AND pg_catalog.has_table_privilege(c.oid, 'SELECT'))
             ORDER BY 1, 2""".formatted(UserObjects.USER_SCHEMA);

    private TablePrivileges() {}

    static Optional<Finding> check(Connection c, String database, String user) throws SQLException {
        List<String> unreadable = new ArrayList<>();
        TreeSet<String> schemas = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
                unreadable.add(Dialect.POSTGRESQL.quote(rs.getString(1), rs.getString(2)));
                schemas.add(rs.getString(1));
            }
        }
        if (unreadable.isEmpty()) {
            return Optional.empty();
        }
        String shown = String.join(", ", unreadable.subList(0, Math.min(SHOWN, unreadable.size())))
                + (unreadable.size() > SHOWN ? " and %d more".formatted(unreadable.size() - SHOWN) : "");
        String role = Dialect.POSTGRESQL.quote(user);
        StringBuilder remedy = new StringBuilder("In database ").append(database).append(':');
        for (String schema : schemas) {
            String s = Dialect.POSTGRESQL.quote(schema);
            remedy.append(" GRANT USAGE ON SCHEMA ").append(s).append(" TO ").append(role).append(';')
                    .append(" GRANT SELECT ON ALL TABLES IN SCHEMA ").append(s).append(" TO ").append(role).append(';')
                    .append(" GRANT SELECT ON ALL SEQUENCES IN SCHEMA ").append(s).append(" TO ").append(role).append(';');
        }
        return Optional.of(new Finding("TABLE_PRIVILEGES", Severity.ERROR, "User %s cannot read %d table(s) of database %s: %s"
                .formatted(user, unreadable.size(), database, shown), remedy.toString(), database));
    }
}
