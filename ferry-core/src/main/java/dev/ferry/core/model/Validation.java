package dev.ferry.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One validation of a job's destination against its source: what it compared ({@code mode}, the {@code tables}
 * pattern or null for all), how it stands, each table's result with the differing rows by key, the schema differences,
 * and what it cost (rows hashed and bytes read on each side, and how long the rows took: {@code dataMillis}). Kept with the job; {@code endTime} is null while it
 * runs.
 */
public record Validation(
        String id,
        String job,
        String operation,
        ValidationMode mode,
        String tables,
        Status status,
        String message,
        Instant startTime,
        Instant endTime,
        long rows,
        long sourceBytes,
        long destinationBytes,
        long dataMillis,
        List<TableResult> tableResults,
        List<Finding> schemaFindings) {

    /** How a validation, or one table of it, stands. */
    public enum Status {
        /** Not compared yet. */
        PENDING,
        RUNNING,
        /** Compared equal. */
        CLEAN,
        /** A difference was found and persisted through the re-checks. */
        DIFFERENT,
        /** Rows kept changing through every re-check: neither equal nor proven different. */
        INCONCLUSIVE,
        /** The validation could not finish (the message says why). */
        FAILED;

        public boolean done() {
            return this != PENDING && this != RUNNING;
        }
    }

    public Validation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(status, "status");
        tableResults = List.copyOf(tableResults);
        schemaFindings = List.copyOf(schemaFindings);
    }

    /** Rows compared per second on each side while the rows were compared (0 before it ends). */
    public double rowsPerSecond() {
        if (endTime == null || startTime == null) {
            return 0;
        }
        long millis = dataMillis > 0 ? dataMillis : endTime.toEpochMilli() - startTime.toEpochMilli();
        return rows / (Math.max(1, millis) / 1000.0);
    }

    /** Whether anything differs (tables or schema). */
    public boolean differs() {
        return status == Status.DIFFERENT;
    }

    /**
     * One table: its result, chunks compared of planned, rows on the source side, and its differing rows (at most the
     * validation's limit; {@code moreDifferences} counts those left out). {@code note} says what else matters, such as
     * a table missing on one side or columns compared only on one.
     */
    public record TableResult(String database, String table, Status status, int chunks, int chunksDone, long rows,
            List<RowDifference> differences, long moreDifferences, String note) {
        public TableResult {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(status, "status");
            differences = List.copyOf(differences);
        }

        /** {@code database.schema.table}, or {@code database.table} where the schema is the database. */
        public String name() {
            return table.startsWith(database + ".") ? table : database + "." + table;
        }
    }

    /**
     * Rows that differ: {@code MISSING} on the destination, {@code EXTRA} there, or {@code DIFFERENT} values under one
     * key. {@code key} holds {@code column=value} pairs in key order; for a table without a key it is empty and
     * {@code count} says how many such rows.
     */
    public record RowDifference(Kind kind, List<String> key, long count) {
        public enum Kind { MISSING, EXTRA, DIFFERENT }

        public RowDifference {
            Objects.requireNonNull(kind, "kind");
            key = List.copyOf(key);
        }
    }
}
