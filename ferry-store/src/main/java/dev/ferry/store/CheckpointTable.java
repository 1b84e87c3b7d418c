package dev.ferry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Rows of {@code checkpoints}: named text values per job, such as a replication position. */
final class CheckpointTable {
    private final String upsert;

    CheckpointTable(SqlDialect dialect) {
        this.upsert = dialect.upsert("checkpoints", List.of("job", "checkpoint_key"), List.of("checkpoint_value"));
    }

    void put(Connection c, String job, String key, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(upsert)) {
            s.setString(1, job);
            s.setString(2, key);
            s.setString(3, value);
            s.executeUpdate();
        }
    }

    Optional<String> get(Connection c, String job, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT checkpoint_value FROM checkpoints WHERE job = ? AND checkpoint_key = ?")) {
            s.setString(1, job);
            s.setString(2, key);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** All of the job's checkpoints, sorted by key. */
    Map<String, String> all(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT checkpoint_key, checkpoint_value FROM checkpoints WHERE job = ?")) {
            s.setString(1, job);
            try (ResultSet rows = s.executeQuery()) {
                Map<String, String> values = new TreeMap<>();
                while (rows.next()) {
                    values.put(rows.getString(1), rows.getString(2));
                }
                return values;
            }
        }
    }

    /** Deletes one checkpoint; returns whether it existed. */
    boolean delete(Connection c, String job, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM checkpoints WHERE job = ? AND checkpoint_key = ?")) {
            s.setString(1, job);
            s.setString(2, key);
            return s.executeUpdate() > 0;
        }
    }

    void deleteAll(Connection c, String job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM checkpoints WHERE job = ?")) {
            s.setString(1, job);
            s.executeUpdate();
        }
    }
}
