package dev.ferry.engine.postgres.cdc;

import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary-key columns of destination tables, read from the catalog once per table until {@link #forget}.
 * Only an immediate (not deferrable) primary key counts, since only it can arbitrate {@code ON CONFLICT}.
 * Used to detect inserts of an existing key and to name a diverged row by its key alone. Not thread-safe.
 */
final class DestinationKeys {
    private static final String SQL = """
            SELECT a.attname FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary AND i.indimmediate
            ORDER BY array_position(i.indkey::int2[], a.attnum)""";

    private final Connection c;
    private final Map<TableRef, List<String>> known = new HashMap<>();

    DestinationKeys(Connection c) {
        this.c = c;
    }

    /** The key's column names in key order; empty when the table has none. */
    List<String> of(TableRef table) throws SQLException {
        List<String> names = known.get(table);
        if (names == null) {
            names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SQL)) {
                ps.setString(1, table.schema());
                ps.setString(2, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            names = List.copyOf(names);
            known.put(table, names);
        }
        return names;
    }

    void forget() {
        known.clear();
    }
}
