package dev.ferry.control.runner;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares exact row counts of a job's tables on the source and the destination. */
public final class RowCounts {
    private RowCounts() {}

    public static List<TableComparison> compare(Engine engine, DatabaseConnection source, DatabaseConnection destination,
            List<JobObject> objects) {
        Map<String, List<TableRef>> byDatabase = new LinkedHashMap<>();
        for (JobObject object : objects) {
            byDatabase.computeIfAbsent(object.database(), d -> new ArrayList<>()).add(object.table());
        }
        List<TableComparison> result = new ArrayList<>();
        byDatabase.forEach((database, tables) -> {
            Map<TableRef, Long> sourceRows = engine.countRows(source.withDatabase(database), database, tables);
            Map<TableRef, Long> destinationRows = engine.countRows(destination.withDatabase(database), database, tables);
            for (TableRef table : tables) {
                long s = sourceRows.getOrDefault(table, -1L);
                long d = destinationRows.getOrDefault(table, -1L);
                result.add(new TableComparison(database, table, s, d, s == d && s >= 0));
            }
        });
        return result;
    }
}
