package dev.ferry.engine.postgres.snapshot;

import dev.ferry.core.Dialect;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Constraints and triggers that a DDL added to a table while its copy gave way to it. The post-data section was
 * dumped at the snapshot and does not have them, so they are read from the source's catalog now and created on
 * the destination where missing: keys first (attached to the index the copy already built when there is one),
 * then checks and exclusions, then foreign keys, then triggers. A statement that fails stops the load naming the
 * object, so the destination never lacks one silently. Stateless.
 */
final class LateSchema {
    private static final Logger log = LoggerFactory.getLogger(LateSchema.class);
    private static final Dialect D = Dialect.POSTGRESQL;
    private static final String KINDS = "pucxf";

    private LateSchema() {}

    static void apply(DatabaseConnection source, DatabaseConnection destination, Set<TableRef> tables) {
        if (tables.isEmpty()) {
            return;
        }
        List<String> statements = new ArrayList<>();
        try (Connection src = PgConnector.open(source); Connection dst = PgConnector.open(destination)) {
            for (TableRef table : tables) {
                statements.addAll(missing(src, dst, table));
            }
            for (String sql : statements) {
                try (Statement s = dst.createStatement()) {
                    s.execute(sql);
                } catch (SQLException e) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Could not add to the destination what a DDL "
                            + "added to the source while Ferry copied the table (%s): %s; add it by hand, or restart the "
                            + "job").formatted(sql, e.getMessage()), e);
                }
                log.atInfo().addKeyValue("statement", sql).log("added what a DDL made during the copy");
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "adding the constraints and triggers made during the copy");
        }
    }

    /** The statements that give {@code table} on the destination the source's current constraints and triggers. */
    static List<String> missing(Connection src, Connection dst, TableRef table) throws SQLException {
        String relation = D.quote(table.schema(), table.table());
        Map<String, String[]> wanted = constraints(src, relation);
        Set<String> present = constraints(dst, relation).keySet();
        Set<String> indexes = names(dst, "SELECT c.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                + "WHERE i.indrelid = ?::regclass", relation);
        List<String> statements = new ArrayList<>();
        for (char kind : KINDS.toCharArray()) {
            for (var entry : wanted.entrySet()) {
                String name = entry.getKey();
                if (entry.getValue()[0].charAt(0) != kind || present.contains(name)) {
                    continue;
                }
                String head = "ALTER TABLE " + relation + " ADD CONSTRAINT " + D.quote(name) + " ";
                if ((kind == 'p' || kind == 'u') && indexes.contains(name)) {
                    statements.add(head + (kind == 'p' ? "PRIMARY KEY" : "UNIQUE") + " USING INDEX " + D.quote(name));
                } else {
                    statements.add(head + entry.getValue()[1]);
                }
            }
        }
        Map<String, String> triggers = new LinkedHashMap<>();
        try (PreparedStatement ps = src.prepareStatement("SELECT tgname, pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger "
                + "WHERE tgrelid = ?::regclass AND NOT tgisinternal ORDER BY tgname")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    triggers.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Set<String> presentTriggers = names(dst, "SELECT tgname FROM pg_catalog.pg_trigger WHERE tgrelid = ?::regclass "
                + "AND NOT tgisinternal", relation);
        triggers.forEach((name, definition) -> {
            if (!presentTriggers.contains(name)) {
                statements.add(definition);
            }
        });
        return statements;
    }

    /** The table's own constraints (not inherited): name to {kind, definition}. */
    private static Map<String, String[]> constraints(Connection c, String relation) throws SQLException {
        Map<String, String[]> all = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT conname, contype::text, pg_catalog.pg_get_constraintdef(oid) "
                + "FROM pg_catalog.pg_constraint WHERE conrelid = ?::regclass AND conislocal AND contype IN ('p','u','c','x','f') "
                + "ORDER BY conname")) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return all;
    }

    private static Set<String> names(Connection c, String sql, String relation) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, relation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
