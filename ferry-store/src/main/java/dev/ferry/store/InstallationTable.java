package dev.ferry.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The single row of {@code installation}: this store's random installation id. */
final class InstallationTable {
    /** Lower-case letters and digits only, so the id fits in any database object name as it is. */
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    static final int LENGTH = 8;

    private final SecureRandom random = new SecureRandom();

    Optional<String> find(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM installation WHERE singleton = 1");
                ResultSet rows = s.executeQuery()) {
            return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
        }
    }

    /** Inserts a new random id; fails with a unique violation when another server was first. */
    String create(Connection c, Instant now) throws SQLException {
        String id = newId();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO installation (singleton, id, create_time) VALUES (1, ?, ?)")) {
            s.setString(1, id);
            Columns.setTime(s, 2, now);
            s.executeUpdate();
        }
        return id;
    }

    String newId() {
        var id = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
