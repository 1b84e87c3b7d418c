package dev.ferry.store;

import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Rows of {@code api_tokens}: names, roles and hashes of API tokens, never the tokens. */
final class TokenTable {
    static final String KIND = "API token";
    private static final String COLUMNS = "name, role, token_hash, create_time, expire_time, created_by";

    void insert(Connection c, ApiToken token) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, token.name());
            Columns.setEnum(s, 2, token.role());
            s.setString(3, token.tokenHash());
            Columns.setTime(s, 4, token.createTime());
            Columns.setTime(s, 5, token.expireTime());
            s.setString(6, token.createdBy());
            s.executeUpdate();
        } catch (SQLException e) {
            if (StoreErrors.isUniqueViolation(e)) {
                throw StoreErrors.alreadyExists(KIND, token.name(), e);
            }
            throw e;
        }
    }

    Optional<ApiToken> findByHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?")) {
            s.setString(1, hash);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    List<ApiToken> list(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens");
                ResultSet rows = s.executeQuery()) {
            List<ApiToken> tokens = new ArrayList<>();
            while (rows.next()) {
                tokens.add(read(rows));
            }
            tokens.sort(Comparator.comparing(ApiToken::name));
            return tokens;
        }
    }

    void delete(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM api_tokens WHERE name = ?")) {
            s.setString(1, name);
            StoreErrors.requireOneRow(s.executeUpdate(), KIND, name);
        }
    }

    private static ApiToken read(ResultSet rows) throws SQLException {
        return new ApiToken(rows.getString("name"), Columns.enumValue(rows, "role", Role.class),
                rows.getString("token_hash"), Columns.time(rows, "create_time"), Columns.time(rows, "expire_time"),
                rows.getString("created_by"));
    }
}
