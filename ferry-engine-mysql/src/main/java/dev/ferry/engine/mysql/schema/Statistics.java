package dev.ferry.engine.mysql.schema;

import dev.ferry.core.Closing;
import dev.ferry.core.Dialect;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Analysis;
import dev.ferry.engine.mysql.Flavor;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.ServerVersion;
import dev.ferry.engine.mysql.Sql;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The optimizer's statistics of tables a full load copied, gathered on the destination with {@code ANALYZE TABLE},
 * up to N tables at once on their own sessions (persistent InnoDB statistics are written by it where the table keeps
 * them, the server's default). Statistics the source keeps beyond those are gathered the same way on the destination:
 * MariaDB's engine-independent statistics ({@code mysql.table_stats}, {@code column_stats}, {@code index_stats}) with
 * {@code ANALYZE TABLE ... PERSISTENT FOR} the source's columns and indexes, under the source's histogram size and
 * type; MySQL 8 histograms with {@code UPDATE HISTOGRAM ON} the source's columns, with its bucket counts. (Both only
 * between servers of the same kind; plain ANALYZE TABLE gathers neither on a server's defaults.) Written to no binary
 * log ({@code NO_WRITE_TO_BINLOG}): the destination's own replicas gather their own. A table the server could not
 * analyze is reported in the returned lines with the server's message.
 */
public final class Statistics {
    private static final Dialect D = Dialect.MYSQL;

    private Statistics() {}

    public static List<String> analyze(MySqlConnector connector, DatabaseConnection source, DatabaseConnection destination,
            String database, List<TableRef> tables, int parallelism) throws InterruptedException {
        var lines = new ConcurrentLinkedQueue<String>();
        Map<String, List<String>> persistent = persistent(connector, source, destination, database, lines);
        var queue = new ConcurrentLinkedQueue<>(tables);
        List<Future<Void>> sessions = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Math.max(1, Math.min(parallelism, tables.size())); i++) {
                sessions.add(executor.submit(() -> {
                    try (Connection c = connector.open(destination, database, MySqlConnector.Role.DESTINATION);
                            Statement st = c.createStatement()) {
                        for (TableRef t = queue.poll(); t != null; t = queue.poll()) {
                            analyzeTable(st, database, t, persistent, lines);
                        }
                    } catch (SQLException e) {
                        throw SqlErrors.map(e, destination, "analyze the copied tables of " + D.quote(database));
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

    /**
     * The table-by-table form, on one session of {@code destination}: the source's persistent statistics are read when
     * the first table is analyzed, and every table is analyzed as {@link #analyze} would.
     */
    public static Analysis open(MySqlConnector connector, DatabaseConnection source, DatabaseConnection destination,
            String database) {
        return new Analysis() {
            private Connection session;
            private Map<String, List<String>> persistent;

            @Override
            public Optional<List<String>> analyze(TableRef table) {
                List<String> lines = new ArrayList<>();
                if (persistent == null) {
                    persistent = persistent(connector, source, destination, database, lines);
                }
                try {
                    if (session == null) {
                        session = connector.open(destination, database, MySqlConnector.Role.DESTINATION);
                    }
                    try (Statement st = session.createStatement()) {
                        analyzeTable(st, database, table, persistent, lines);
                    }
                } catch (SQLException e) {
                    throw SqlErrors.map(e, destination, "analyze the copied table " + D.quote(database, table.table()));
                }
                return Optional.of(lines);
            }

            @Override
            public void close() {
                Closing.quietly(session, "the analysis session");
            }
        };
    }

    /** ANALYZE TABLE of {@code t}, then what gathers the source's persistent statistics of it; adds a line for each. */
    private static void analyzeTable(Statement st, String database, TableRef t, Map<String, List<String>> persistent,
            Collection<String> lines) throws SQLException {
        String name = D.quote(database, t.table());
        lines.add(analyze(st, name, "", "ANALYZE TABLE " + name));
        for (String statement : persistent.getOrDefault(t.table(), List.of())) {
            if (statement.startsWith("SET ")) {
                try {
                    st.execute(statement);
                } catch (SQLException e) {
                    lines.add("ANALYZE TABLE %s: %s failed: %s; the destination's own setting is used".formatted(name,
                            statement, SqlErrors.serverMessage(e)));
                }
            } else {
                lines.add(analyze(st, name, " " + statement, "ANALYZE TABLE " + name + " " + statement));
            }
        }
    }

    /** Runs one ANALYZE TABLE of {@code name} with {@code clause}; the line says how long it took or what failed. */
    private static String analyze(Statement st, String name, String clause, String what) throws SQLException {
        long began = System.nanoTime();
        List<String> problems = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("ANALYZE NO_WRITE_TO_BINLOG TABLE " + name + clause)) {
            while (rs.next()) {
                if ("error".equalsIgnoreCase(rs.getString("Msg_type"))) {
                    problems.add(rs.getString("Msg_text"));
                }
            }
        }
        return problems.isEmpty() ? "%s in %.1fs".formatted(what, (System.nanoTime() - began) / 1e9)
                : "%s failed: %s".formatted(what, String.join("; ", problems));
    }

    /**
     * By table name, what to run on the destination after the plain ANALYZE TABLE to gather the persistent statistics
     * the source keeps: {@code SET} statements (histogram settings) and ANALYZE TABLE clauses. Empty between servers of
     * different kinds. A source whose statistics tables the user may not read adds a line saying so and gives none.
     */
    static Map<String, List<String>> persistent(MySqlConnector connector, DatabaseConnection source, DatabaseConnection destination,
            String database, Collection<String> lines) {
        Flavor flavor;
        try (Connection c = connector.open(destination, null, MySqlConnector.Role.DESTINATION)) {
            flavor = ServerVersion.of(c).flavor();
        } catch (SQLException e) {
            throw SqlErrors.map(e, destination, "read the version of the destination");
        }
        try (Connection c = connector.open(source, null, MySqlConnector.Role.SOURCE)) {
            if (ServerVersion.of(c).flavor() != flavor) {
                return Map.of();
            }
            return flavor == Flavor.MARIADB ? engineIndependent(c, database) : histograms(c, database);
        } catch (SQLException e) {
            if (e.getErrorCode() == SqlErrors.TABLE_ACCESS_DENIED || e.getErrorCode() == SqlErrors.DB_ACCESS_DENIED) {
                lines.add("persistent statistics of the source not copied: the source user may not read them ("
                        + SqlErrors.serverMessage(e) + ")");
                return Map.of();
            }
            throw SqlErrors.map(e, source, "read the persistent statistics of database " + D.quote(database));
        }
    }

    /** MariaDB: the tables, columns (by histogram size and type) and indexes of the source's engine-independent statistics. */
    private static Map<String, List<String>> engineIndependent(Connection c, String database) throws SQLException {
        Map<String, Map<String, List<String>>> columns = new TreeMap<>();
        Sql.query(c, """
                SELECT table_name, column_name, COALESCE(hist_size, 0), COALESCE(hist_type, 'DOUBLE_PREC_HB')
                FROM mysql.column_stats WHERE db_name = ? ORDER BY table_name, column_name""", rs -> {
                    columns.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent("SET SESSION histogram_size = %d, SESSION histogram_type = '%s'".formatted(
                                    rs.getInt(3), rs.getString(4).replace("'", "")), k -> new ArrayList<>())
                            .add(D.quote(rs.getString(2)));
                    return null;
                }, database);
        Map<String, List<String>> indexes = new TreeMap<>();
        Sql.query(c, "SELECT DISTINCT table_name, index_name FROM mysql.index_stats WHERE db_name = ? ORDER BY table_name, index_name",
                rs -> indexes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(D.quote(rs.getString(2))), database);
        for (String table : Sql.query(c, "SELECT table_name FROM mysql.table_stats WHERE db_name = ?", rs -> rs.getString(1), database)) {
            columns.putIfAbsent(table, new LinkedHashMap<>());
        }
        indexes.keySet().forEach(table -> columns.putIfAbsent(table, new LinkedHashMap<>()));
        Map<String, List<String>> statements = new TreeMap<>();
        columns.forEach((table, bySetting) -> {
            List<String> run = new ArrayList<>();
            String tableIndexes = String.join(", ", indexes.getOrDefault(table, List.of()));
            if (bySetting.isEmpty()) {
                run.add("PERSISTENT FOR COLUMNS () INDEXES (%s)".formatted(tableIndexes));
            }
            boolean first = true;
            for (var e : bySetting.entrySet()) {
                run.add(e.getKey());
                run.add("PERSISTENT FOR COLUMNS (%s) INDEXES (%s)".formatted(String.join(", ", e.getValue()), first ? tableIndexes : ""));
                first = false;
            }
            statements.put(table, run);
        });
        return statements;
    }

    /** MySQL 8: the source's histograms, as UPDATE HISTOGRAM clauses by bucket count. */
    private static Map<String, List<String>> histograms(Connection c, String database) throws SQLException {
        if (ServerVersion.of(c).major() < 8) {
            return Map.of();
        }
        Map<String, Map<Integer, List<String>>> columns = new TreeMap<>();
        Sql.query(c, """
                SELECT TABLE_NAME, COLUMN_NAME, JSON_EXTRACT(HISTOGRAM, '$."number-of-buckets-specified"')
                FROM information_schema.COLUMN_STATISTICS WHERE SCHEMA_NAME = ? ORDER BY TABLE_NAME, COLUMN_NAME""", rs -> {
                    columns.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .computeIfAbsent(rs.getInt(3) > 0 ? rs.getInt(3) : 100, k -> new ArrayList<>()).add(D.quote(rs.getString(2)));
                    return null;
                }, database);
        Map<String, List<String>> statements = new TreeMap<>();
        columns.forEach((table, byBuckets) -> statements.put(table, byBuckets.entrySet().stream()
                .map(e -> "UPDATE HISTOGRAM ON %s WITH %d BUCKETS".formatted(String.join(", ", e.getValue()), e.getKey())).toList()));
        return statements;
    }
}
