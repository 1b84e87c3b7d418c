package dev.ferry.store;

import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Rows of {@code job_events}, an append-only log per job ordered by the generated id. */
final class EventTable {

    void append(Connection c, String job, Instant time, Severity severity, String message) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO job_events (job, event_time, severity, message) VALUES (?, ?, ?, ?)")) {
            s.setString(1, job);
            Columns.setTime(s, 2, time);
            Columns.setEnum(s, 3, severity);
            s.setString(4, message);
            s.executeUpdate();
        }
    }

    /** The newest {@code limit} events, oldest first. */
    List<JobEvent> newest(Connection c, String job, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, job, event_time, severity, message "
                + "FROM job_events WHERE job = ? ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
            s.setString(1, job);
            s.setInt(2, limit);
            try (ResultSet rows = s.executeQuery()) {
                List<JobEvent> events = new ArrayList<>();
                while (rows.next()) {
                    events.add(new JobEvent(rows.getLong("id"), rows.getString("job"),
                            Columns.time(rows, "event_time"), Columns.enumValue(rows, "severity", Severity.class),
                            rows.getString("message")));
                }
                Collections.reverse(events);
                return events;
            }
        }
    }

    /** Deletes events older than {@code before}, then each job's events beyond its newest {@code keep}. */
    int prune(Connection c, Instant before, int keep) throws SQLException {
        int removed;
        try (PreparedStatement s = c.prepareStatement("DELETE FROM job_events WHERE event_time < ?")) {
            Columns.setTime(s, 1, before);
            removed = s.executeUpdate();
        }
        List<String> crowded = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT job FROM job_events GROUP BY job HAVING count(*) > ?")) {
            s.setInt(1, keep);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    crowded.add(rows.getString(1));
                }
            }
        }
        for (String job : crowded) {
            long oldestKept;
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM job_events WHERE job = ? "
                    + "ORDER BY id DESC OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY")) {
                s.setString(1, job);
                s.setInt(2, keep - 1);
                try (ResultSet rows = s.executeQuery()) {
                    if (!rows.next()) {
                        continue;
                    }
                    oldestKept = rows.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM job_events WHERE job = ? AND id < ?")) {
                s.setString(1, job);
                s.setLong(2, oldestKept);
                removed += s.executeUpdate();
            }
        }
        return removed;
    }

    void deleteAll(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM job_events WHERE job = ?")) {
            s.setString(1, job);
            s.executeUpdate();
        }
    }
}
