package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Column;
import dev.ferry.engine.postgres.cdc.PgOutputMessage.Relation;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which destination tables have a unique index on other columns than the replica identity key: their changes stay in
 * one apply partition, in source order, because two rows' changes may then depend on each other (a value moved from
 * one row to another). A table the destination does not have yet (copied in while changes stream) is treated alike
 * until it is there. Read from the destination's catalog once per table until the relation changes, on a session of
 * its own opened at first use. Not thread-safe.
 */
final class UniqueKeys implements AutoCloseable {
    private static final String SQL = """
            SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE n.nspname = ? AND c.relname = ? AND i.indisunique
            GROUP BY i.indexrelid""";

    private final DatabaseConnection destination;
    private final Map<TableRef, Boolean> known = new HashMap<>();
    private Connection c;

    /** {@code destination} has its database set; null answers false for every table. */
    UniqueKeys(DatabaseConnection destination) {
        this.destination = destination;
    }

    boolean hasOtherUniqueKeys(TableRef table, Relation rel) {
        if (destination == null) {
            return false;
        }
        Boolean other = known.get(table);
        if (other == null) {
            Set<String> key = new TreeSet<>(rel.columns().stream().filter(Column::key).map(Column::name).toList());
            other = PgErrors.call(destination, "reading the unique indexes of " + table, () -> {
                if (c == null) {
                    c = PgConnector.open(destination);
                }
                try (PreparedStatement ps = c.prepareStatement(SQL)) {
                    ps.setString(1, table.schema());
                    ps.setString(2, table.table());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Object[] names = (Object[]) rs.getArray(1).getArray();
                            if (!new TreeSet<>(List.of(names).stream().map(String::valueOf).toList()).equals(key)) {
                                return true;
                            }
                        }
                    }
                }
                // A table being copied in meanwhile is not there yet: its changes stay together until it is known.
                return ShapeTracker.exists(c, table) ? Boolean.FALSE : null;
            });
            if (other == null) {
                return true;
            }
            known.put(table, other);
        }
        return other;
    }

    void forget(TableRef table) {
        known.remove(table);
    }

    @Override
    public void close() {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                org.slf4j.LoggerFactory.getLogger(UniqueKeys.class).atDebug().setCause(e)
                        .log("could not close the catalog session; the server ends it when the socket closes");
            }
            c = null;
        }
    }
}
