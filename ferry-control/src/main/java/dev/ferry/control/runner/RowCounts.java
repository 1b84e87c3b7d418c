package dev.ferry.control.runner;

import dev.ferry.core.concurrent.Concurrently;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Compares exact row counts of a job's tables on the source and the destination, counting both sides
 * at the same time. The last comparison a one-time job made when it completed is kept as a checkpoint,
 * so reporting it again does not scan every table twice more.
 */
public final class RowCounts {
    static final String CHECKPOINT = "row-counts";

    private RowCounts() {}

    public static List<TableComparison> compare(Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<JobObject> objects) {
        return compare(engine, source, destination, objects, database -> Optional.empty());
    }

    /**
     * As above, but a database for which {@code counted} has the comparison of exactly its tables (in the job's order)
     * is not counted again.
     */
    static List<TableComparison> compare(Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<JobObject> objects, java.util.function.Function<String, Optional<List<TableComparison>>> counted) {
        Map<String, List<TableRef>> byDatabase = new LinkedHashMap<>();
        for (JobObject object : objects) {
            byDatabase.computeIfAbsent(object.database(), d -> new ArrayList<>()).add(object.table());
        }
        List<TableComparison> result = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            byDatabase.forEach((database, tables) -> {
                Optional<List<TableComparison>> known = counted.apply(database)
                        .filter(c -> c.stream().map(TableComparison::table).toList().equals(tables));
                if (known.isPresent()) {
                    result.addAll(known.get());
                    return;
                }
                var sourceCount = CompletableFuture.supplyAsync(
                        () -> engine.countRows(source.withDatabase(database), database, tables), executor);
                var destinationCount = CompletableFuture.supplyAsync(
                        () -> engine.countRows(destination.withDatabase(database), database, tables), executor);
                result.addAll(compared(database, tables, Concurrently.join(sourceCount), Concurrently.join(destinationCount)));
            });
        }
        return result;
    }

    /** {@code tables} in their order, with their counts on each side (-1 for a table a side did not count). */
    static List<TableComparison> compared(String database, List<TableRef> tables, Map<TableRef, Long> sourceRows,
            Map<TableRef, Long> destinationRows) {
        List<TableComparison> result = new ArrayList<>(tables.size());
        for (TableRef table : tables) {
            long s = sourceRows.getOrDefault(table, -1L);
            long d = destinationRows.getOrDefault(table, -1L);
            result.add(new TableComparison(database, table, s, d, s == d && s >= 0));
        }
        return result;
    }

    /** One line per table: base64 of database, schema and table, then both counts. */
    static String encode(List<TableComparison> comparisons) {
        var out = new StringBuilder();
        for (TableComparison c : comparisons) {
            out.append(b64(c.database())).append(' ').append(b64(c.table().schema())).append(' ')
                    .append(b64(c.table().table())).append(' ').append(c.sourceRows()).append(' ')
                    .append(c.destinationRows()).append('\n');
        }
        return out.toString();
    }

    static Optional<List<TableComparison>> decode(Optional<String> text) {
        return text.map(t -> t.lines().map(line -> {
            String[] f = line.split(" ");
            long s = Long.parseLong(f[3]);
            long d = Long.parseLong(f[4]);
            return new TableComparison(unb64(f[0]), new TableRef(unb64(f[1]), unb64(f[2])), s, d, s == d && s >= 0);
        }).toList());
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String text) {
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
}
