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

    void deleteAll(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM job_events WHERE job = ?")) {
            s.setString(1, job);
            s.executeUpdate();
        }
    }
}
