package dev.ferry.store;

import dev.ferry.core.model.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows of {@code operations}; at most one per (request id, verb, target) when a request id is given. */
final class OperationTable {
    static final String KIND = "Operation";
    private static final String COLUMNS =
            "name, verb, target, done, error, status_message, request_id, create_time, end_time, created_by";

    void insert(Connection c, Operation op) throws SQLException {
        if (op.requestId() != null && findByRequest(c, op.requestId(), op.verb(), op.target()).isPresent()) {
            throw StoreErrors.alreadyExists(KIND, requestText(op), null);
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO operations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, op.name());
            bindFrom(s, 2, op);
            s.executeUpdate();
        } catch (SQLException e) {
            if (!StoreErrors.isUniqueViolation(e)) {
                throw e;
            }
            // Without a request id only the name can clash; with one, a concurrent insert may have won either way.
            throw StoreErrors.alreadyExists(KIND, op.requestId() == null ? op.name()
                    : op.name() + " (or one " + requestText(op) + ")", e);
        }
    }

    private static String requestText(Operation op) {
        return "for request id %s (%s on %s)".formatted(op.requestId(), op.verb(), op.target());
    }

    void update(Connection c, Operation op) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE operations SET verb = ?, target = ?, done = ?, "
                + "error = ?, status_message = ?, request_id = ?, create_time = ?, end_time = ?, created_by = ? WHERE name = ?")) {
            bindFrom(s, 1, op);
            s.setString(10, op.name());
            StoreErrors.requireOneRow(s.executeUpdate(), KIND, op.name());
        }
    }

    Optional<Operation> find(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM operations WHERE name = ?")) {
            s.setString(1, name);
            return first(s);
        }
    }

    Optional<Operation> findByRequest(Connection c, String requestId, String verb, String target)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM operations WHERE request_id = ? AND verb = ? AND target = ?")) {
            s.setString(1, requestId);
            s.setString(2, verb);
            s.setString(3, target);
            return first(s);
        }
    }

    /** The newest {@code limit} operations, newest first. */
    List<Operation> newest(Connection c, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM operations ORDER BY create_time DESC, name FETCH FIRST ? ROWS ONLY")) {
            s.setInt(1, limit);
            try (ResultSet rows = s.executeQuery()) {
                List<Operation> found = new ArrayList<>();
                while (rows.next()) {
                    found.add(read(rows));
                }
                return found;
            }
        }
    }

    private static Optional<Operation> first(PreparedStatement s) throws SQLException {
        try (ResultSet rows = s.executeQuery()) {
            return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
    }

    private static Operation read(ResultSet rows) throws SQLException {
        String name = rows.getString("name");
        return new Operation(name, rows.getString("verb"), rows.getString("target"),
                rows.getBoolean("done"), JsonColumns.error(rows.getString("error"), "operation " + name),
                rows.getString("status_message"), rows.getString("request_id"),
                Columns.time(rows, "create_time"), Columns.time(rows, "end_time"), rows.getString("created_by"));
    }

    /** Binds every column but the name, in {@link #COLUMNS} order, from parameter {@code first}. */
    private static void bindFrom(PreparedStatement s, int first, Operation op) throws SQLException {
        int i = first;
        s.setString(i++, op.verb());
        s.setString(i++, op.target());
        s.setBoolean(i++, op.done());
        s.setString(i++, JsonColumns.error(op.error()));
        s.setString(i++, op.statusMessage());
        s.setString(i++, op.requestId());
        Columns.setTime(s, i++, op.createTime());
        Columns.setTime(s, i++, op.endTime());
        s.setString(i, op.createdBy());
    }

    /** Claims a request id for one verb on one target; false when it was claimed already (here or by another server). */
    boolean claim(Connection c, String requestId, String verb, String target, Instant time) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO request_claims (request_id, verb, target, claim_time) VALUES (?, ?, ?, ?)")) {
            s.setString(1, requestId);
            s.setString(2, verb);
            s.setString(3, target);
            Columns.setTime(s, 4, time);
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (StoreErrors.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    void unclaim(Connection c, String requestId, String verb, String target) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM request_claims WHERE request_id = ? AND verb = ? AND target = ?")) {
            s.setString(1, requestId);
            s.setString(2, verb);
            s.setString(3, target);
            s.executeUpdate();
        }
    }

    /** Deletes finished operations that ended before {@code before}, and request claims made before it. */
    int prune(Connection c, Instant before) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM request_claims WHERE claim_time < ?")) {
            Columns.setTime(s, 1, before);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM operations WHERE done AND end_time < ?")) {
            Columns.setTime(s, 1, before);
            return s.executeUpdate();
        }
    }
}
