package dev.ferry.engine.postgres.schema;

import dev.ferry.core.Closing;
import dev.ferry.core.Dialect;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Analysis;
import dev.ferry.engine.postgres.connect.PgConnector;
import dev.ferry.engine.postgres.connect.PgErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The planner's statistics of tables a full load copied, gathered on the destination with {@code ANALYZE}, up to N
 * tables at once on their own sessions. A partition is analyzed through its partitioned root (which also gathers the
 * root's statistics, which autovacuum never does), every other table by itself. A table the session may not analyze
 * (not its owner, nor superuser) is skipped by the server with a warning, reported in the returned lines.
 */
public final class Statistics {
    private Statistics() {}

    public static List<String> analyze(DatabaseConnection destination, List<TableRef> tables, int parallelism)
            throws InterruptedException {
        if (tables.isEmpty()) {
            return List.of();
        }
        List<String> targets = targets(destination, tables);
        var queue = new ConcurrentLinkedQueue<>(targets);
        var lines = new ConcurrentLinkedQueue<String>();
        List<Future<Void>> sessions = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Math.max(1, Math.min(parallelism, targets.size())); i++) {
                sessions.add(executor.submit(() -> {
                    try (Connection c = PgConnector.open(destination); Statement st = c.createStatement()) {
                        for (String table = queue.poll(); table != null; table = queue.poll()) {
                            lines.add(analyze(st, table));
                        }
                    } catch (SQLException e) {
                        throw PgErrors.translate(e, destination, "analyzing the copied tables");
                    }
                    return null;
                }));
            }
            for (Future<Void> f : sessions) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof FerryException fe) {
                        throw fe;
                    }
                    throw new IllegalStateException("analyzing the copied tables failed", e.getCause());
                }
            }
        }
        return List.copyOf(lines);
    }

    /** Runs {@code ANALYZE} of the quoted {@code table}; the line says how long it took, or why the server skipped it. */
    private static String analyze(Statement st, String table) throws SQLException {
        long began = System.nanoTime();
        st.execute("ANALYZE " + table);
        String skipped = warnings(st.getWarnings());
        st.clearWarnings();
        return skipped != null ? "did not analyze %s: %s".formatted(table, skipped)
                : "analyzed %s in %.1fs".formatted(table, (System.nanoTime() - began) / 1e9);
    }

    /**
     * The table-by-table form, on one session of {@code destination} (the database's): a plain table is analyzed by
     * itself; a partition, a partitioned table or anything else is left to {@link #analyze}, which analyzes partitions
     * through their root once all of them are loaded.
     */
    public static Analysis open(DatabaseConnection destination) {
        return new Analysis() {
            private Connection session;

            @Override
            public Optional<List<String>> analyze(TableRef table) {
                try {
                    if (session == null) {
                        session = PgConnector.open(destination);
                    }
                    try (PreparedStatement ps = session.prepareStatement("""
                            SELECT c.relkind = 'r' AND NOT c.relispartition
                            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = ? AND c.relname = ?""")) {
                        ps.setString(1, table.schema());
                        ps.setString(2, table.table());
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next() || !rs.getBoolean(1)) {
                                return Optional.empty();
                            }
                        }
                    }
                    try (Statement st = session.createStatement()) {
                        return Optional.of(List.of(Statistics.analyze(st, Dialect.POSTGRESQL.quote(table.schema(), table.table()))));
                    }
                } catch (SQLException e) {
                    throw PgErrors.translate(e, destination, "analyzing the copied table " + table);
                }
            }

            @Override
            public void close() {
                Closing.quietly(session, "the analysis session");
            }
        };
    }

    /** The tables to name in ANALYZE: each partition's root once, every other table itself; quoted. */
    private static List<String> targets(DatabaseConnection destination, List<TableRef> tables) {
        Set<String> out = new LinkedHashSet<>();
        try (Connection c = PgConnector.open(destination);
                PreparedStatement ps = c.prepareStatement("""
                        SELECT n.nspname, r.relname
                        FROM pg_catalog.pg_class t
                        JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
                        JOIN pg_catalog.pg_class r ON r.oid = COALESCE(pg_catalog.pg_partition_root(t.oid), t.oid)
                        JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
                        WHERE tn.nspname = ? AND t.relname = ?""")) {
            for (TableRef t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(Dialect.POSTGRESQL.quote(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        } catch (SQLException e) {
            throw PgErrors.translate(e, destination, "reading the copied tables' partition roots");
        }
        return new ArrayList<>(out);
    }

    private static String warnings(SQLWarning w) {
        List<String> texts = new ArrayList<>();
        for (SQLWarning x = w; x != null; x = x.getNextWarning()) {
            texts.add(x.getMessage());
        }
        return texts.isEmpty() ? null : String.join("; ", texts);
    }
}
