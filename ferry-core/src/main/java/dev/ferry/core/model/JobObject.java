package dev.ferry.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Progress of one migrated table. Estimates come from the source's statistics and may be zero or
 * wrong; {@code rowsCopied} is exact once the state is {@link ObjectState#COPIED}.
 */
public record JobObject(
        String job,
        String database,
        TableRef table,
        ObjectState state,
        Phase phase,
        long rowsEstimated,
        long bytesEstimated,
        long rowsCopied,
        long bytesCopied,
        long rowsApplied,
        String error,
        Instant updateTime) {

    public JobObject {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(state, "state");
    }

    /** Copy progress in percent (0-100), from the estimate; 100 once copied. */
    public int percent() {
        if (state == ObjectState.COPIED) {
            return 100;
        }
        if (bytesEstimated > 0) {
            return (int) Math.min(99, bytesCopied * 100 / bytesEstimated);
        }
        if (rowsEstimated > 0) {
            return (int) Math.min(99, rowsCopied * 100 / rowsEstimated);
        }
        return 0;
    }

    /** The object's name in the API: {@code database.schema.table}, {@code database.table} on MySQL/MariaDB. */
    public String id() {
        return table.nameIn(database);
    }
}
