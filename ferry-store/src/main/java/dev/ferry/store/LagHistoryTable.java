package dev.ferry.store;

import dev.ferry.core.model.LagSample;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Rows of {@code job_lag_history}: one lag sample per job and time. */
final class LagHistoryTable {

    void append(Connection c, String job, LagSample sample) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO job_lag_history (job, sample_time, lag_millis, lag_bytes) VALUES (?, ?, ?, ?)")) {
            s.setString(1, job);
            Columns.setTime(s, 2, sample.time());
            s.setLong(3, sample.lag().toMillis());
            s.setLong(4, sample.bytes());
            s.executeUpdate();
        }
    }

    /** The samples taken at or after {@code since}, oldest first, at most {@code limit} (the newest). */
    List<LagSample> since(Connection c, String job, Instant since, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT sample_time, lag_millis, lag_bytes FROM job_lag_history "
                + "WHERE job = ? AND sample_time >= ? ORDER BY sample_time DESC FETCH FIRST ? ROWS ONLY")) {
            s.setString(1, job);
            Columns.setTime(s, 2, since);
            s.setInt(3, limit);
            try (ResultSet rows = s.executeQuery()) {
                List<LagSample> samples = new ArrayList<>();
                while (rows.next()) {
                    samples.add(new LagSample(Columns.time(rows, "sample_time"),
                            Duration.ofMillis(rows.getLong("lag_millis")), rows.getLong("lag_bytes")));
                }
                return samples.reversed();
            }
        }
    }

    int prune(Connection c, Instant before) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM job_lag_history WHERE sample_time < ?")) {
            Columns.setTime(s, 1, before);
            return s.executeUpdate();
        }
    }

    void deleteAll(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM job_lag_history WHERE job = ?")) {
            s.setString(1, job);
            s.executeUpdate();
        }
    }
}
