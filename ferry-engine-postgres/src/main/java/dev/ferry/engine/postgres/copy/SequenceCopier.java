package dev.ferry.engine.postgres.copy;

import dev.ferry.core.Dialect;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets destination sequences to the source's values; pg_dump's pre-data creates sequences at their
 * start value. Sequences are not transactional, so the value read is the current one (at least the
 * snapshot's): the destination never hands out a value the copied rows already use.
 */
public final class SequenceCopier {
    private SequenceCopier() {}

    /**
     * Copies each sequence's value; returns the sequences missing on the destination (skipped).
     * Source failures propagate as SQLException; destination failures are translated against
     * {@code destinationServer}.
     */
    public static List<TableRef> copy(Connection source, Connection destination, DatabaseConnection destinationServer,
            List<TableRef> sequences) throws SQLException {
        List<TableRef> missing = new ArrayList<>();
        String doing = "setting sequence values";
        try (PreparedStatement find = PgErrors.call(destinationServer, doing, () -> destination.prepareStatement(
                        "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'S'"));
                PreparedStatement set = PgErrors.call(destinationServer, doing, () -> destination.prepareStatement(
                        "SELECT pg_catalog.setval(?::oid::regclass, ?, ?)"));
                Statement read = source.createStatement()) {
            for (TableRef seq : sequences) {
                Long oid = PgErrors.call(destinationServer, doing, () -> {
                    find.setString(1, seq.schema());
                    find.setString(2, seq.table());
                    try (ResultSet rs = find.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : null;
                    }
                });
                if (oid == null) {
                    missing.add(seq);
                    continue;
                }
                long value;
                boolean called;
                try (ResultSet rs = read.executeQuery("SELECT last_value, is_called FROM "
                        + Dialect.POSTGRESQL.quote(seq.schema(), seq.table()))) {
                    rs.next();
                    value = rs.getLong(1);
                    called = rs.getBoolean(2);
                }
                PgErrors.call(destinationServer, doing, () -> {
                    set.setLong(1, oid);
                    set.setLong(2, value);
                    set.setBoolean(3, called);
                    set.executeQuery().close();
                    return null;
                });
            }
        }
        return missing;
    }
}
