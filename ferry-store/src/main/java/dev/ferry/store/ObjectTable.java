package dev.ferry.store;

import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Rows of {@code job_objects}: per-table progress, keyed by job, database, schema and table. */
final class ObjectTable {
    private static final List<String> KEYS = List.of("job", "database_name", "schema_name", "table_name");
    private static final List<String> OTHERS = List.of("state", "phase", "rows_estimated", "bytes_estimated",
            "rows_copied", "bytes_copied", "rows_applied", "error", "update_time");

    private static final Comparator<JobObject> ORDER = Comparator.comparing(JobObject::database)
            .thenComparing(o -> o.table().schema()).thenComparing(o -> o.table().table());

    private final String upsert;

    ObjectTable(SqlDialect dialect) {
        this.upsert = dialect.upsert("job_objects", KEYS, OTHERS);
    }

    void upsert(Connection c, JobObject o) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(upsert)) {
            s.setString(1, o.job());
            s.setString(2, o.database());
            s.setString(3, o.table().schema());
            s.setString(4, o.table().table());
            Columns.setEnum(s, 5, o.state());
            Columns.setEnum(s, 6, o.phase());
            s.setLong(7, o.rowsEstimated());
            s.setLong(8, o.bytesEstimated());
            s.setLong(9, o.rowsCopied());
            s.setLong(10, o.bytesCopied());
            s.setLong(11, o.rowsApplied());
            s.setString(12, o.error());
            Columns.setTime(s, 13, o.updateTime());
            s.executeUpdate();
        }
    }

    List<JobObject> list(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", KEYS) + ", "
                + String.join(", ", OTHERS) + " FROM job_objects WHERE job = ?")) {
            s.setString(1, job);
            try (ResultSet rows = s.executeQuery()) {
                List<JobObject> objects = new ArrayList<>();
                while (rows.next()) {
                    objects.add(new JobObject(rows.getString("job"), rows.getString("database_name"),
                            new TableRef(rows.getString("schema_name"), rows.getString("table_name")),
                            Columns.enumValue(rows, "state", ObjectState.class),
                            Columns.enumValue(rows, "phase", Phase.class),
                            rows.getLong("rows_estimated"), rows.getLong("bytes_estimated"),
                            rows.getLong("rows_copied"), rows.getLong("bytes_copied"), rows.getLong("rows_applied"),
                            rows.getString("error"), Columns.time(rows, "update_time")));
                }
                // Sorted here, not by ORDER BY: H2 and PostgreSQL collations order text differently.
                objects.sort(ORDER);
                return objects;
            }
        }
    }

    /** Deletes the job's objects; deleting none is not an error. */
    void deleteAll(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM job_objects WHERE job = ?")) {
            s.setString(1, job);
            s.executeUpdate();
        }
    }
}
