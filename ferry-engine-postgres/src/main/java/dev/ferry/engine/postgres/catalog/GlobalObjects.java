package dev.ferry.engine.postgres.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Roles and tablespaces: cluster-wide objects that a database's schema refers to but pg_dump of one
 * database does not create. Stateless; the caller owns the connection.
 */
public final class GlobalObjects {
    private static final String IN_USER_SCHEMA = " JOIN pg_catalog.pg_namespace n ON n.oid = x.%s WHERE "
            + UserObjects.USER_SCHEMA;

    private GlobalObjects() {}

    /** Roles that own, are granted or grant something in the current database (owners, ACLs, policies). */
    public static Set<String> referencedRoles(Connection c) throws SQLException {
        StringBuilder union = new StringBuilder("SELECT n.nspowner AS r FROM pg_catalog.pg_namespace n WHERE ")
                .append(UserObjects.USER_SCHEMA);
        String[][] owned = {
            {"pg_class", "relowner", "relnamespace", "relacl"},
            {"pg_proc", "proowner", "pronamespace", "proacl"},
            {"pg_type", "typowner", "typnamespace", "typacl"},
            {"pg_collation", "collowner", "collnamespace", null},
            {"pg_conversion", "conowner", "connamespace", null},
            {"pg_operator", "oprowner", "oprnamespace", null},
            {"pg_opclass", "opcowner", "opcnamespace", null},
            {"pg_opfamily", "opfowner", "opfnamespace", null},
            {"pg_ts_config", "cfgowner", "cfgnamespace", null},
            {"pg_ts_dict", "dictowner", "dictnamespace", null},
            {"pg_statistic_ext", "stxowner", "stxnamespace", null},
        };
        for (String[] o : owned) {
            String from = " FROM pg_catalog." + o[0] + " x" + IN_USER_SCHEMA.formatted(o[2]);
            union.append("\nUNION SELECT x.").append(o[1]).append(from);
            if (o[3] != null) {
                union.append("\nUNION SELECT (pg_catalog.aclexplode(x.").append(o[3]).append(")).grantee").append(from);
                union.append("\nUNION SELECT (pg_catalog.aclexplode(x.").append(o[3]).append(")).grantor").append(from);
            }
        }
        union.append("""

                UNION SELECT (pg_catalog.aclexplode(n.nspacl)).grantee FROM pg_catalog.pg_namespace n WHERE %1$s
                UNION SELECT (pg_catalog.aclexplode(n.nspacl)).grantor FROM pg_catalog.pg_namespace n WHERE %1$s
                UNION SELECT (pg_catalog.aclexplode(a.attacl)).grantee FROM pg_catalog.pg_attribute a WHERE a.attacl IS NOT NULL
                  AND a.attrelid IN (SELECT x.oid FROM pg_catalog.pg_class x JOIN pg_catalog.pg_namespace n
                    ON n.oid = x.relnamespace WHERE %1$s)
                UNION SELECT l.lomowner FROM pg_catalog.pg_largeobject_metadata l
                UNION SELECT (pg_catalog.aclexplode(l.lomacl)).grantee FROM pg_catalog.pg_largeobject_metadata l
                UNION SELECT d.defaclrole FROM pg_catalog.pg_default_acl d
                UNION SELECT (pg_catalog.aclexplode(d.defaclacl)).grantee FROM pg_catalog.pg_default_acl d
                UNION SELECT unnest(p.polroles) FROM pg_catalog.pg_policy p
                UNION SELECT e.evtowner FROM pg_catalog.pg_event_trigger e
                UNION SELECT p.pubowner FROM pg_catalog.pg_publication p
                UNION SELECT s.srvowner FROM pg_catalog.pg_foreign_server s
                UNION SELECT w.fdwowner FROM pg_catalog.pg_foreign_data_wrapper w
                UNION SELECT u.umuser FROM pg_catalog.pg_user_mappings u WHERE u.umuser <> 0""".formatted(UserObjects.USER_SCHEMA));
        return names(c, "SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid IN (" + union + ")");
    }

    /** Non-default tablespaces that user relations of the current database live in. */
    public static Set<String> referencedTablespaces(Connection c) throws SQLException {
        return names(c, "SELECT s.spcname FROM pg_catalog.pg_tablespace s WHERE s.oid IN (SELECT x.reltablespace "
                + "FROM pg_catalog.pg_class x" + IN_USER_SCHEMA.formatted("relnamespace") + " AND x.reltablespace <> 0)");
    }

    /** Which of {@code names} are missing as roles on the server of {@code c}. */
    public static Set<String> missingRoles(Connection c, Collection<String> names) throws SQLException {
        return missing(c, "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname::text = ANY (?)", names);
    }

    /** Which of {@code names} are missing as tablespaces on the server of {@code c}. */
    public static Set<String> missingTablespaces(Connection c, Collection<String> names) throws SQLException {
        return missing(c, "SELECT spcname FROM pg_catalog.pg_tablespace WHERE spcname::text = ANY (?)", names);
    }

    private static Set<String> missing(Connection c, String sql, Collection<String> names) throws SQLException {
        Set<String> missing = new TreeSet<>(names);
        if (missing.isEmpty()) {
            return missing;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("text", names.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getString(1));
                }
            }
            array.free();
        }
        return missing;
    }

    private static Set<String> names(Connection c, String sql) throws SQLException {
        Set<String> names = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
