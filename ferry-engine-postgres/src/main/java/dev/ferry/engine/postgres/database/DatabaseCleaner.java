package dev.ferry.engine.postgres.database;

import dev.ferry.core.Dialect;
import dev.ferry.engine.postgres.catalog.UserObjects;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Empties a database Ferry filled: extensions (but plpgsql), every user schema, event triggers,
 * publications, foreign servers and large objects; then recreates {@code public} as initdb makes it.
 * Each drop commits on its own, so a huge schema does not exhaust the lock table.
 */
public final class DatabaseCleaner {
    private DatabaseCleaner() {}

    /** {@code c} is connected to the database to clear, in autocommit mode. */
    public static void clear(Connection c) throws SQLException {
        int major = c.getMetaData().getDatabaseMajorVersion();
        Dialect d = Dialect.POSTGRESQL;
        try (Statement st = c.createStatement()) {
            for (String name : names(st, "SELECT evtname FROM pg_catalog.pg_event_trigger")) {
                st.execute("DROP EVENT TRIGGER IF EXISTS " + d.quote(name) + " CASCADE");
            }
            for (String name : names(st, "SELECT pubname FROM pg_catalog.pg_publication")) {
                st.execute("DROP PUBLICATION IF EXISTS " + d.quote(name));
            }
            for (String name : names(st, "SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'")) {
                st.execute("DROP EXTENSION IF EXISTS " + d.quote(name) + " CASCADE");
            }
            for (String name : names(st, "SELECT srvname FROM pg_catalog.pg_foreign_server")) {
                st.execute("DROP SERVER IF EXISTS " + d.quote(name) + " CASCADE");
            }
            for (String name : names(st, "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + UserObjects.USER_SCHEMA)) {
                st.execute("DROP SCHEMA IF EXISTS " + d.quote(name) + " CASCADE");
            }
            st.execute("SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata");
            st.execute("CREATE SCHEMA public");
            if (major >= 15) {
                st.execute("ALTER SCHEMA public OWNER TO pg_database_owner");
                st.execute("GRANT USAGE ON SCHEMA public TO PUBLIC");
            } else {
                String bootstrap = names(st, "SELECT rolname FROM pg_catalog.pg_roles WHERE oid = 10").getFirst();
                st.execute("ALTER SCHEMA public OWNER TO " + d.quote(bootstrap));
                st.execute("GRANT ALL ON SCHEMA public TO PUBLIC");
            }
            st.execute("COMMENT ON SCHEMA public IS 'standard public schema'");
        }
    }

    private static List<String> names(Statement st, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
