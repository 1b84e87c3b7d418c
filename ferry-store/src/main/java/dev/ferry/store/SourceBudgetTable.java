package dev.ferry.store;

import dev.ferry.core.model.SourceLimit;
import dev.ferry.core.model.SourceReservation;
import dev.ferry.core.model.SourceReservation.Scope;
import dev.ferry.core.model.SourceReservation.Shortfall;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rows of {@code source_limits} (a cap per source server shared by every node) and {@code source_reservations} (the
 * source connections each running job holds), and the one transaction that takes a reservation when it fits.
 */
final class SourceBudgetTable {
    /**
     * A reservation of a node sharing the store (epoch above 0) lapses once its job's lease is no longer that node's at
     * that epoch: the node died and another took the job over, or the runner ended without releasing it.
     */
    private static final String HELD = "EXISTS (SELECT 1 FROM job_leases l WHERE l.task_name = ? "
            + "AND l.task_instance = r.job AND l.picked = TRUE AND l.picked_by = r.node AND l.version = r.epoch)";
    private static final String LAPSED = "DELETE FROM source_reservations r WHERE r.epoch > 0 AND NOT " + HELD;

    private final String upsertLimit;

    SourceBudgetTable(SqlDialect dialect) {
        this.upsertLimit = dialect.upsert("source_limits", List.of("server"), List.of("max_connections", "update_time"));
    }

    void putLimit(Connection c, SourceLimit limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(upsertLimit)) {
            s.setString(1, limit.server());
            s.setInt(2, limit.maxConnections());
            Columns.setTime(s, 3, limit.updateTime());
            s.executeUpdate();
        }
    }

    boolean deleteLimit(Connection c, String server) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM source_limits WHERE server = ?")) {
            s.setString(1, server);
            return s.executeUpdate() > 0;
        }
    }

    List<SourceLimit> limits(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT server, max_connections, update_time FROM source_limits "
                + "ORDER BY server"); ResultSet rows = s.executeQuery()) {
            List<SourceLimit> limits = new ArrayList<>();
            while (rows.next()) {
                limits.add(new SourceLimit(rows.getString(1), rows.getInt(2), Columns.time(rows, "update_time")));
            }
            return limits;
        }
    }

    /** The reservations in force (lapsed ones left out), by job. */
    List<SourceReservation> reservations(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT r.job, r.node, r.server, r.connections, r.epoch "
                + "FROM source_reservations r WHERE r.epoch = 0 OR " + HELD + " ORDER BY r.job")) {
            s.setString(1, ClusterTable.JOB_TASK);
            try (ResultSet rows = s.executeQuery()) {
                List<SourceReservation> all = new ArrayList<>();
                while (rows.next()) {
                    all.add(new SourceReservation(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4),
                            rows.getLong(5)));
                }
                return all;
            }
        }
    }

    /**
     * Takes {@code wanted} (replacing the job's earlier reservation) when it fits both the node's budget
     * ({@code nodeMax}, null for none) and the source server's cap, or answers what does not fit and changes nothing.
     * The server's limit row is locked first, so two nodes reserving on one server at once are checked one after the
     * other; the node's own reservations are taken one at a time by that node.
     */
    Optional<Shortfall> reserve(Connection c, SourceReservation wanted, Integer nodeMax, Instant now) throws SQLException {
        Integer serverMax = lockLimit(c, wanted.server());
        removeLapsed(c);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM source_reservations WHERE job = ?")) {
            s.setString(1, wanted.job());
            s.executeUpdate();
        }
        if (nodeMax != null) {
            int used = sum(c, "node", wanted.node());
            if (used + wanted.connections() > nodeMax) {
                return Optional.of(new Shortfall(Scope.NODE, wanted.node(), used, nodeMax));
            }
        }
        if (serverMax != null) {
            int used = sum(c, "server", wanted.server());
            if (used + wanted.connections() > serverMax) {
                return Optional.of(new Shortfall(Scope.SERVER, wanted.server(), used, serverMax));
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO source_reservations "
                + "(job, node, server, connections, epoch, create_time) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, wanted.job());
            s.setString(2, wanted.node());
            s.setString(3, wanted.server());
            s.setInt(4, wanted.connections());
            s.setLong(5, wanted.epoch());
            Columns.setTime(s, 6, now);
            s.executeUpdate();
        }
        return Optional.empty();
    }

    /** Removes the job's reservation if {@code node} holds it under {@code epoch} (not a later one of the job's). */
    void release(Connection c, String job, String node, long epoch) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM source_reservations WHERE job = ? AND node = ? AND epoch = ?")) {
            s.setString(1, job);
            s.setString(2, node);
            s.setLong(3, epoch);
            s.executeUpdate();
        }
    }

    /** Removes every reservation taken without a lease (epoch 0). */
    int releaseUnleased(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM source_reservations WHERE epoch = 0")) {
            return s.executeUpdate();
        }
    }

    private Integer lockLimit(Connection c, String server) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT max_connections FROM source_limits WHERE server = ? FOR UPDATE")) {
            s.setString(1, server);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    private void removeLapsed(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LAPSED)) {
            s.setString(1, ClusterTable.JOB_TASK);
            s.executeUpdate();
        }
    }

    /** The connections reserved where {@code column} ({@code node} or {@code server}, a constant) is {@code value}. */
    private static int sum(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT coalesce(sum(connections), 0) FROM source_reservations WHERE " + column + " = ?")) {
            s.setString(1, value);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
