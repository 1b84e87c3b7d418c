package dev.ferry.control.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.ClusterNode;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Draining a node checks that the other live nodes have room (their --max-jobs) for its jobs, unless forced. */
class NodeDrainTest {
    @TempDir
    Path home;

    private JdbcStore store;
    /** db-scheduler's side of the store: job leases are its rows. */
    private com.zaxxer.hikari.HikariDataSource leases;
    private NodeService nodes;

    @BeforeEach
    void open() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        leases = store.openSidePool("test-leases", 1);
        nodes = new NodeService(store, null, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        leases.close();
        store.close();
    }

    @Test
    void aDrainThatWouldLeaveJobsWithoutRoomIsRefusedUnlessForced() throws SQLException {
        beat("node-a", 4);
        beat("node-b", 1);
        lease("j1", "node-a");
        lease("j2", "node-a");
        lease("j3", "node-b");

        assertThatThrownBy(() -> nodes.drain("node-a", false)).isInstanceOf(FerryException.class)
                .hasMessageContaining("it runs 2 job(s) and the other live nodes have room for 0 more")
                .hasMessageContaining("--force");
        assertThat(nodes.get("node-a").state()).isEqualTo(NodeState.ALIVE);

        beat("node-b", 2);
        assertThatThrownBy(() -> nodes.drain("node-a", false)).hasMessageContaining("room for 1 more (their --max-jobs less the jobs they hold), so 1 would wait");

        assertThat(nodes.drain("node-a", true).state()).isEqualTo(NodeState.DRAINING);
        nodes.undrain("node-a");

        beat("node-b", 3);
        assertThat(nodes.drain("node-a", false).state()).isEqualTo(NodeState.DRAINING);
    }

    private void beat(String node, int maxJobs) {
        Instant now = Instant.now();
        store.heartbeatNode(new ClusterNode(node, "http://" + node, "test", maxJobs, now, now, Duration.ofSeconds(20),
                false, false));
    }

    private void lease(String job, String node) throws SQLException {
        try (Connection c = leases.getConnection();
                var st = c.prepareStatement("INSERT INTO job_leases (task_name, task_instance, execution_time, picked, "
                        + "picked_by, last_heartbeat, version) VALUES ('ferry-job', ?, CURRENT_TIMESTAMP, TRUE, ?, "
                        + "CURRENT_TIMESTAMP, 1)")) {
            st.setString(1, job);
            st.setString(2, node);
            st.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
