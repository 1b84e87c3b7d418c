package dev.ferry.server.job;

import dev.ferry.core.model.Finding;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobObject;
import dev.ferry.server.http.Times;

/** The JSON forms of what a job reports besides itself: per-table progress, events and verify findings. */
public final class ProgressJson {
    private ProgressJson() {}

    /** One migrated table; {@code name} is {@code database.schema.table}, {@code database.table} on MySQL/MariaDB. */
    public record ObjectJson(
            String name, String database, String schema, String table, String state, String phase,
            long rowsEstimated, long bytesEstimated, long rowsCopied, long bytesCopied, long rowsApplied, int percent,
            String error, String updateTime) {}

    public record EventJson(long id, String time, String severity, String message) {}

    public record FindingJson(String code, String severity, String message, String remedy, String object) {}

    public static ObjectJson object(JobObject o) {
        return new ObjectJson(o.id(), o.database(), o.table().schema(), o.table().table(), o.state().name(),
                o.phase() == null ? null : o.phase().name(), o.rowsEstimated(), o.bytesEstimated(), o.rowsCopied(),
                o.bytesCopied(), o.rowsApplied(), o.percent(), o.error(), Times.instant(o.updateTime()));
    }

    public static EventJson event(JobEvent e) {
        return new EventJson(e.id(), Times.instant(e.time()), e.severity() == null ? null : e.severity().name(),
                e.message());
    }

    public static FindingJson finding(Finding f) {
        return new FindingJson(f.code(), f.severity().name(), f.message(), f.remedy(), f.object());
    }
}
