package dev.ferry.engine.postgres.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists what a user created in a database, as readable names ({@code table public.t}). Objects that
 * belong to an extension are represented by the extension. Stateless; the caller owns the connection.
 */
public final class UserObjects {
    /** SQL condition true for a schema (alias {@code n}) that users can create objects in. */
    public static final String USER_SCHEMA = "(n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')";

    private static final String NOT_FROM_EXTENSION = " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
            + "WHERE d.classid = '%s'::regclass AND d.objid = %s AND d.deptype = 'e')";

    private static final String QUERY = String.join("\nUNION ALL\n",
            "SELECT 1, 'schema ' || n.nspname FROM pg_catalog.pg_namespace n WHERE " + USER_SCHEMA
                    + " AND n.nspname <> 'public'" + NOT_FROM_EXTENSION.formatted("pg_catalog.pg_namespace", "n.oid"),
            "SELECT 2, 'extension ' || e.extname FROM pg_catalog.pg_extension e WHERE e.extname <> 'plpgsql'",
            "SELECT 3, CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' "
                    + "WHEN 'S' THEN 'sequence ' WHEN 'f' THEN 'foreign table ' ELSE 'table ' END "
                    + "|| n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + USER_SCHEMA
                    + NOT_FROM_EXTENSION.formatted("pg_catalog.pg_class", "c.oid"),
            "SELECT 4, CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END "
                    + "|| n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) "
                    + "|| ')' FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE "
                    + USER_SCHEMA + NOT_FROM_EXTENSION.formatted("pg_catalog.pg_proc", "p.oid"),
            "SELECT 5, CASE t.typtype WHEN 'd' THEN 'domain ' ELSE 'type ' END || n.nspname || '.' || t.typname "
                    + "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                    + "LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
                    + "WHERE " + USER_SCHEMA + " AND t.typtype IN ('b', 'c', 'd', 'e', 'r') "
                    + "AND (t.typrelid = 0 OR c.relkind = 'c') "
                    + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)"
                    + NOT_FROM_EXTENSION.formatted("pg_catalog.pg_type", "t.oid"),
            "SELECT 6, 'large objects (' || count(*) || ')' FROM pg_catalog.pg_largeobject_metadata "
                    + "HAVING count(*) > 0");

    private UserObjects() {}

    public static List<String> list(Connection c) throws SQLException {
        List<String> objects = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY + "\nORDER BY 1, 2")) {
            while (rs.next()) {
                objects.add(rs.getString(2));
            }
        }
        return objects;
    }
}
