package dev.ferry.engine.postgres.check;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.Finding;
import dev.ferry.core.model.Severity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What logical decoding cannot carry for a continuous job, per source database: tables without a
 * primary key ({@code TABLES_WITHOUT_PRIMARY_KEY}), tables without any replica identity
 * ({@code REPLICA_IDENTITY_NOTHING}: once Ferry's publication exists, the source itself refuses UPDATE
 * and DELETE on them; inserts replicate, so insert-only tables are fine), unlogged tables ({@code UNLOGGED_TABLES}) and large
 * objects ({@code LARGE_OBJECTS}), which are copied once but not replicated. Reads only.
 */
final class CdcLimitations {
    private static final Dialect SQL = Dialect.POSTGRESQL;
    private static final String USER_TABLES = """
            SELECT n.nspname, c.relname, c.relpersistence, c.relreplident,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident) AS has_ident
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry')
              AND n.nspname NOT LIKE 'pg\\_%'
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 1, 2""";

    private CdcLimitations() {}

    static List<Finding> check(Connection c, String database) throws SQLException {
        List<String> withoutKey = new ArrayList<>();
        List<String> withoutIdentity = new ArrayList<>();
        List<String> unlogged = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(USER_TABLES)) {
            while (rs.next()) {
                String table = SQL.quote(rs.getString(1), rs.getString(2));
                String identity = rs.getString(4);
                boolean hasPk = rs.getBoolean(5);
                if ("u".equals(rs.getString(3))) {
                    unlogged.add(table);
                }
                boolean identified = switch (identity) {
                    case "f" -> true;
                    case "i" -> rs.getBoolean(6);
                    case "d" -> hasPk;
                    default -> false;
                };
                if (!identified) {
                    withoutIdentity.add(table);
                } else if (!hasPk) {
                    withoutKey.add(table);
                }
            }
        }
        List<Finding> findings = new ArrayList<>();
        if (!withoutKey.isEmpty()) {
            findings.add(new Finding("TABLES_WITHOUT_PRIMARY_KEY", Severity.WARNING,
                    "%d table(s) in %s have no primary key: %s. Their changes replicate through their replica identity, "
                            .formatted(withoutKey.size(), database, names(withoutKey))
                            + "which is slower and matches rows by all their columns",
                    "Add a primary key where you can", database));
        }
        if (!withoutIdentity.isEmpty()) {
            findings.add(new Finding("REPLICA_IDENTITY_NOTHING", Severity.WARNING,
                    ("%d table(s) in %s have no replica identity: %s. While the job runs, the source refuses UPDATE and "
                            + "DELETE on them (inserts replicate); fine for insert-only tables such as logs").formatted(withoutIdentity.size(), database, names(withoutIdentity)),
                    "Add a primary key, or run ALTER TABLE %s REPLICA IDENTITY FULL; for each".formatted(
                            withoutIdentity.getFirst()),
                    database));
        }
        if (!unlogged.isEmpty()) {
            findings.add(new Finding("UNLOGGED_TABLES", Severity.WARNING,
                    "%d unlogged table(s) in %s are copied once but their later changes are not replicated: %s"
                            .formatted(unlogged.size(), database, names(unlogged)),
                    "Make them logged (ALTER TABLE %s SET LOGGED;) or copy them again at the cut-over"
                            .formatted(unlogged.getFirst()), database));
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata")) {
            rs.next();
            long count = rs.getLong(1);
            if (count > 0) {
                findings.add(new Finding("LARGE_OBJECTS", Severity.WARNING,
                        "%s holds %d large object(s); they are copied once but changes to them are not replicated"
                                .formatted(database, count),
                        "Avoid changing large objects during the migration, or restart the job before the cut-over",
                        database));
            }
        }
        return findings;
    }

    private static String names(List<String> tables) {
        String shown = tables.stream().limit(10).collect(Collectors.joining(", "));
        return tables.size() > 10 ? shown + " and " + (tables.size() - 10) + " more" : shown;
    }
}
