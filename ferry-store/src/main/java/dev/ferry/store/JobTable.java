package dev.ferry.store;

import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Phase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Rows of {@code migration_jobs}; labels, objects and performance config and the error are JSON. */
final class JobTable {
    static final String KIND = "Migration job";
    private static final String COLUMNS = "name, display_name, labels, job_type, source, destination, objects_config, "
            + "performance_config, state, phase, error, create_time, update_time, start_time, end_time, overwrite_destination, "
            + "reliability_config";

    void insert(Connection c, MigrationJob job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO migration_jobs (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, job.name());
            bindFrom(s, 2, job);
            s.executeUpdate();
        } catch (SQLException e) {
            if (StoreErrors.isUniqueViolation(e)) {
                throw StoreErrors.alreadyExists(KIND, job.name(), e);
            }
            throw e;
        }
    }

    void update(Connection c, MigrationJob job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE migration_jobs SET display_name = ?, labels = ?, "
                + "job_type = ?, source = ?, destination = ?, objects_config = ?, performance_config = ?, state = ?, "
                + "phase = ?, error = ?, create_time = ?, update_time = ?, start_time = ?, end_time = ?, overwrite_destination = ?, "
                + "reliability_config = ? WHERE name = ?")) {
            bindFrom(s, 1, job);
            s.setString(17, job.name());
            StoreErrors.requireOneRow(s.executeUpdate(), KIND, job.name());
        }
    }

    Optional<MigrationJob> find(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM migration_jobs WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    List<MigrationJob> list(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM migration_jobs");
                ResultSet rows = s.executeQuery()) {
            List<MigrationJob> jobs = new ArrayList<>();
            while (rows.next()) {
                jobs.add(read(rows));
            }
            // Sorted here, not by ORDER BY: H2 and PostgreSQL collations order text differently.
            jobs.sort(Comparator.comparing(MigrationJob::name));
            return jobs;
        }
    }

    void delete(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM migration_jobs WHERE name = ?")) {
            s.setString(1, name);
            StoreErrors.requireOneRow(s.executeUpdate(), KIND, name);
        }
    }

    /** Binds every column but the name, in {@link #COLUMNS} order, from parameter {@code first}. */
    private static void bindFrom(PreparedStatement s, int first, MigrationJob job) throws SQLException {
        int i = first;
        s.setString(i++, job.displayName());
        s.setString(i++, JsonColumns.labels(job.labels()));
        Columns.setEnum(s, i++, job.type());
        s.setString(i++, job.source());
        s.setString(i++, job.destination());
        s.setString(i++, JsonColumns.objectsConfig(job.objectsConfig()));
        s.setString(i++, JsonColumns.performanceConfig(job.performanceConfig()));
        Columns.setEnum(s, i++, job.state());
        Columns.setEnum(s, i++, job.phase());
        s.setString(i++, JsonColumns.error(job.error()));
        Columns.setTime(s, i++, job.createTime());
        Columns.setTime(s, i++, job.updateTime());
        Columns.setTime(s, i++, job.startTime());
        Columns.setTime(s, i++, job.endTime());
        s.setBoolean(i++, job.overwriteDestination());
        s.setString(i, JsonColumns.reliabilityConfig(job.reliabilityConfig()));
    }

    private static MigrationJob read(ResultSet rows) throws SQLException {
        String name = rows.getString("name");
        String owner = "migration job " + name;
        return new MigrationJob(name, rows.getString("display_name"),
                JsonColumns.labels(rows.getString("labels"), owner),
                Columns.enumValue(rows, "job_type", JobType.class),
                rows.getString("source"), rows.getString("destination"),
                JsonColumns.objectsConfig(rows.getString("objects_config"), owner),
                JsonColumns.performanceConfig(rows.getString("performance_config"), owner),
                Columns.enumValue(rows, "state", JobState.class),
                Columns.enumValue(rows, "phase", Phase.class),
                JsonColumns.error(rows.getString("error"), owner),
                Columns.time(rows, "create_time"), Columns.time(rows, "update_time"),
                Columns.time(rows, "start_time"), Columns.time(rows, "end_time"), rows.getBoolean("overwrite_destination"),
                JsonColumns.reliabilityConfig(rows.getString("reliability_config"), owner));
    }
}
