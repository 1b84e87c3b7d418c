package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.ObjectSelection;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.catalog.TableCatalog;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * At promotion, once replication stopped: the column changes of tables the stream said nothing about since (no change
 * after the DDL, so no Relation message) are made the way change replication makes them ({@link ShapeTracker},
 * {@link Evolution}: added columns with the values older rows hold, retypes, drops, renames told apart by the source's
 * catalog), from the source's catalog, which the stopped source no longer changes. One destination transaction.
 * Stateless.
 */
public final class QuietColumns {
    private QuietColumns() {}

    /** Evolves the destination's tables of {@code source}'s database (both have it set); returns what was done. */
    public static List<String> evolve(DatabaseConnection source, DatabaseConnection destination, ObjectsConfig objects,
            boolean keepDropped) {
        ObjectSelection selection = new ObjectSelection(objects, EngineKind.POSTGRESQL);
        List<String> done = new ArrayList<>();
        try (ShapeTracker shapes = new ShapeTracker(source, destination, keepDropped)) {
            List<Evolution> evolutions = new ArrayList<>();
            PgErrors.call(source, "reading the source's columns", () -> {
                try (Connection c = PgConnector.open(source)) {
                    for (TableRef table : TableCatalog.storedTables(c).keySet()) {
                        if (!selection.includesTable(source.database(), table)) {
                            continue;
                        }
                        PgOutputMessage.Relation rel = relation(c, table);
                        if (rel != null && shapes.check(rel) instanceof ShapeTracker.Evolve e) {
                            evolutions.add(e.evolution());
                        }
                    }
                }
                return null;
            });
            if (evolutions.isEmpty()) {
                return done;
            }
            PgErrors.call(destination, "evolving the columns of tables without later changes", () -> {
                try (Connection c = PgConnector.open(destination)) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET default_transaction_read_only = off");
                    }
                    c.setAutoCommit(false);
                    for (Evolution e : evolutions) {
                        List<String> sql = e.apply(c);
                        if (!sql.isEmpty()) {
                            done.add("evolved " + e.describe(sql));
                        }
                    }
                    c.commit();
                }
                return null;
            });
        }
        return done;
    }

    /** The table's shape as pgoutput would describe it now: its stored columns in order; null when it is gone. */
    private static PgOutputMessage.Relation relation(Connection c, TableRef table) throws SQLException {
        boolean generated = c.getMetaData().getDatabaseMajorVersion() >= 12;
        String sql = "SELECT t.oid, a.attname, a.atttypid, a.atttypmod FROM pg_catalog.pg_class t "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
                + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + (generated ? " AND a.attgenerated = ''" : "")
                + " WHERE n.nspname = ? AND t.relname = ? ORDER BY a.attnum";
        Integer oid = null;
        List<PgOutputMessage.Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    oid = (int) rs.getLong(1);
                    if (rs.getString(2) != null) {
                        columns.add(new PgOutputMessage.Column(rs.getString(2), false, (int) rs.getLong(3), rs.getInt(4)));
                    }
                }
            }
        }
        return oid == null ? null : new PgOutputMessage.Relation(oid, table.schema(), table.table(), 'd', columns);
    }
}
