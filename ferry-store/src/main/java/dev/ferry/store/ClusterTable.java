package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ClusterNode;
import dev.ferry.core.model.JobLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of {@code nodes} (the servers sharing the store) and reads of {@code job_leases} (db-scheduler's executions,
 * one per job a node runs), including the fence that refuses a write whose lease was superseded.
 */
final class ClusterTable {
    /** The task name under which job leases are kept in {@code job_leases}. */
    static final String JOB_TASK = "ferry-job";

    private final String upsertNode;
    private final String upsertInstanceNode;

    ClusterTable(SqlDialect dialect) {
        this.upsertInstanceNode = dialect.upsert("instance_nodes", List.of("profile"), List.of("node"));
        this.upsertNode = dialect.upsert("nodes", List.of("name"),
                List.of("address", "version", "max_jobs", "start_time", "heartbeat_time", "lease_timeout_ms", "draining"));
    }

    void heartbeat(Connection c, ClusterNode node) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(upsertNode)) {
            s.setString(1, node.name());
            s.setString(2, node.address());
            s.setString(3, node.version());
            s.setInt(4, node.maxJobs());
            Columns.setTime(s, 5, node.startTime());
            Columns.setTime(s, 6, node.heartbeatTime());
            if (node.leaseTimeout() == null) {
                s.setNull(7, java.sql.Types.BIGINT);
            } else {
                s.setLong(7, node.leaseTimeout().toMillis());
            }
            s.setBoolean(8, node.draining());
            s.executeUpdate();
        }
    }

    void recordInstanceNode(Connection c, String profile, String node) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(upsertInstanceNode)) {
            s.setString(1, profile);
            s.setString(2, node);
            s.executeUpdate();
        }
    }

    java.util.Optional<String> instanceNode(Connection c, String profile) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT node FROM instance_nodes WHERE profile = ?")) {
            s.setString(1, profile);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? java.util.Optional.of(rows.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /** Records that the node should drain (or take jobs again); false when no node has that name. */
    boolean requestDrain(Connection c, String node, boolean drain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE nodes SET drain_requested = ? WHERE name = ?")) {
            s.setBoolean(1, drain);
            s.setString(2, node);
            return s.executeUpdate() > 0;
        }
    }

    void remove(Connection c, String node) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM nodes WHERE name = ?")) {
            s.setString(1, node);
            s.executeUpdate();
        }
    }

    List<ClusterNode> nodes(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM nodes ORDER BY name");
                ResultSet rows = s.executeQuery()) {
            List<ClusterNode> nodes = new ArrayList<>();
            while (rows.next()) {
                nodes.add(new ClusterNode(rows.getString("name"), rows.getString("address"), rows.getString("version"),
                        rows.getInt("max_jobs"), Columns.time(rows, "start_time"), Columns.time(rows, "heartbeat_time"),
                        leaseTimeout(rows), rows.getBoolean("drain_requested"), rows.getBoolean("draining")));
            }
            return nodes;
        }
    }

    private static java.time.Duration leaseTimeout(ResultSet rows) throws SQLException {
        long millis = rows.getLong("lease_timeout_ms");
        return rows.wasNull() ? null : java.time.Duration.ofMillis(millis);
    }

    /** The leases held now (picked executions), by job. */
    List<JobLease> leases(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT task_instance, picked_by, version, last_heartbeat "
                + "FROM job_leases WHERE task_name = ? AND picked = TRUE ORDER BY task_instance")) {
            s.setString(1, JOB_TASK);
            try (ResultSet rows = s.executeQuery()) {
                List<JobLease> leases = new ArrayList<>();
                while (rows.next()) {
                    leases.add(new JobLease(rows.getString(1), rows.getString(2), rows.getLong(3),
                            Columns.time(rows, "last_heartbeat")));
                }
                return leases;
            }
        }
    }

    /**
     * Passes when {@code lease} is still the job's current lease, and locks its row until the transaction ends, so a
     * hand-over (db-scheduler's conditional update of the same row) waits for the write this fence guards, or the
     * write sees the hand-over and is refused. Throws a {@link LeaseLost} refusal otherwise; writes nothing.
     */
    void fence(Connection c, JobLease lease) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT picked, picked_by, version FROM job_leases "
                + "WHERE task_name = ? AND task_instance = ? FOR UPDATE")) {
            s.setString(1, JOB_TASK);
            s.setString(2, lease.job());
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    throw lost(lease, "its lease is gone");
                }
                boolean picked = rows.getBoolean(1);
                String node = rows.getString(2);
                long epoch = rows.getLong(3);
                if (!picked || !lease.node().equals(node) || epoch != lease.epoch()) {
                    throw lost(lease, picked && node != null
                            ? "node %s holds it now with epoch %d".formatted(node, epoch)
                            : "its lease was released (epoch %d)".formatted(epoch));
                }
            }
        }
    }

    private static FerryException lost(JobLease lease, String why) {
        return new FerryException(ErrorCode.FAILED_PRECONDITION, (LeaseLost.PREFIX + " %s by node %s with lease epoch %d: %s. "
                + "This node dropped the job; its new owner resumes it").formatted(lease.job(), lease.node(), lease.epoch(), why));
    }
}
