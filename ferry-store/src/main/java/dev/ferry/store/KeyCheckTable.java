package dev.ferry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The single row of {@code secret_key_check}: the id of the key that seals the store's secrets (a short fingerprint
 * derived from the key, never the key), so that a node given another key refuses to start on a shared store.
 */
final class KeyCheckTable {
    Optional<String> find(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT key_id FROM secret_key_check WHERE singleton = 1");
                ResultSet rows = s.executeQuery()) {
            return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
    }

    /** Inserts the first key id; fails with a unique violation when another server was first. */
    void create(Connection c, String keyId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO secret_key_check (singleton, key_id, update_time) VALUES (1, ?, ?)")) {
            s.setString(1, keyId);
            Columns.setTime(s, 2, now);
            s.executeUpdate();
        }
    }

    /** Records a new active key id (after a rotation). */
    void update(Connection c, String keyId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE secret_key_check SET key_id = ?, update_time = ? WHERE singleton = 1")) {
            s.setString(1, keyId);
            Columns.setTime(s, 2, now);
            s.executeUpdate();
        }
    }
}
