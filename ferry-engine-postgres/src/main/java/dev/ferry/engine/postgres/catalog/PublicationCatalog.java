package dev.ferry.engine.postgres.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The catalog objects of one publication: the publication and its table and schema memberships, as
 * pg_dump lists them. Stateless; the caller owns the connection.
 */
public final class PublicationCatalog {
    private PublicationCatalog() {}

    /** Empty when there is no such publication. */
    public static Set<CatalogObject> objects(Connection c, String publication) throws SQLException {
        boolean schemas = c.getMetaData().getDatabaseMajorVersion() >= 15;
        String sql = "SELECT p.tableoid::bigint, p.oid::bigint FROM pg_catalog.pg_publication p WHERE p.pubname = ? "
                + "UNION ALL SELECT r.tableoid::bigint, r.oid::bigint FROM pg_catalog.pg_publication_rel r "
                + "JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid WHERE p.pubname = ?"
                + (schemas ? " UNION ALL SELECT s.tableoid::bigint, s.oid::bigint FROM pg_catalog.pg_publication_namespace s "
                        + "JOIN pg_catalog.pg_publication p ON p.oid = s.pnpubid WHERE p.pubname = ?" : "");
        Set<CatalogObject> objects = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= (schemas ? 3 : 2); i++) {
                ps.setString(i, publication);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    objects.add(new CatalogObject(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return objects;
    }

    /**
     * The event triggers whose function lives in Ferry's {@code ferry} schema (a job's DDL capture): they belong to the
     * source only.
     */
    public static Set<CatalogObject> ferryEventTriggers(Connection c) throws SQLException {
        Set<CatalogObject> objects = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.tableoid::bigint, e.oid::bigint FROM pg_catalog.pg_event_trigger e "
                + "JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = 'ferry'"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                objects.add(new CatalogObject(rs.getLong(1), rs.getLong(2)));
            }
        }
        return objects;
    }
}
