package dev.ferry.engine.mysql.schema;

import dev.ferry.core.Dialect;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.TableRef;
import dev.ferry.engine.mysql.MySqlConnector;
import dev.ferry.engine.mysql.SqlErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The optimizer's statistics of tables a full load copied, gathered on the destination with {@code ANALYZE TABLE},
 * up to N tables at once on their own sessions (persistent InnoDB statistics are written by it where the table keeps
 * them, the server's default). Written to no binary log ({@code NO_WRITE_TO_BINLOG}): the destination's own replicas
 * gather their own. A table the server could not analyze is reported in the returned lines with the server's message.
 */
public final class Statistics {
    private static final Dialect D = Dialect.MYSQL;

    private Statistics() {}

    public static List<String> analyze(MySqlConnector connector, DatabaseConnection destination, String database,
            List<TableRef> tables, int parallelism) throws InterruptedException {
        var queue = new ConcurrentLinkedQueue<>(tables);
        var lines = new ConcurrentLinkedQueue<String>();
        List<Future<Void>> sessions = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < Math.max(1, Math.min(parallelism, tables.size())); i++) {
                sessions.add(executor.submit(() -> {
                    try (Connection c = connector.open(destination, database, MySqlConnector.Role.DESTINATION);
                            Statement st = c.createStatement()) {
                        for (TableRef t = queue.poll(); t != null; t = queue.poll()) {
                            String name = D.quote(database, t.table());
                            long began = System.nanoTime();
                            List<String> problems = new ArrayList<>();
                            try (ResultSet rs = st.executeQuery("ANALYZE NO_WRITE_TO_BINLOG TABLE " + name)) {
                                while (rs.next()) {
                                    String type = rs.getString("Msg_type");
                                    String text = rs.getString("Msg_text");
                                    if ("error".equalsIgnoreCase(type)) {
                                        problems.add(text);
                                    }
                                }
                            }
                            lines.add(problems.isEmpty()
                                    ? "ANALYZE TABLE %s in %.1fs".formatted(name, (System.nanoTime() - began) / 1e9)
                                    : "ANALYZE TABLE %s failed: %s".formatted(name, String.join("; ", problems)));
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
}
