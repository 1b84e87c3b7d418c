package dev.ferry.control.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.model.ClusterNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeStatusTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static ClusterNode node(Duration leaseTimeout, boolean drainRequested, boolean draining) {
        return new ClusterNode("node-a", "http://a", "test", 4, NOW, NOW, leaseTimeout, drainRequested, draining);
    }

    @Test
    void aNodeIsDeadOncePastItsOwnLeaseTimeoutAndAliveBefore() {
        var node = node(Duration.ofSeconds(6), false, false);
        assertThat(NodeStatus.stateOf(node, Duration.ofSeconds(5), List.of())).isEqualTo(NodeState.ALIVE);
        assertThat(NodeStatus.stateOf(node, Duration.ofSeconds(7), List.of("job"))).isEqualTo(NodeState.DEAD);
    }

    @Test
    void aNodeOfAnOlderVersionIsJudgedByTheDefaultLeaseTimeout() {
        var node = node(null, false, false);
        assertThat(NodeStatus.stateOf(node, Duration.ofSeconds(19), List.of())).isEqualTo(NodeState.ALIVE);
        assertThat(NodeStatus.stateOf(node, Duration.ofSeconds(21), List.of())).isEqualTo(NodeState.DEAD);
    }

    @Test
    void aDrainedNodeIsDrainingUntilItAcknowledgedAndHoldsNoJob() {
        Duration age = Duration.ofSeconds(1);
        assertThat(NodeStatus.stateOf(node(Duration.ofSeconds(20), true, false), age, List.of())).isEqualTo(NodeState.DRAINING);
        assertThat(NodeStatus.stateOf(node(Duration.ofSeconds(20), true, true), age, List.of("job"))).isEqualTo(NodeState.DRAINING);
        assertThat(NodeStatus.stateOf(node(Duration.ofSeconds(20), true, true), age, List.of())).isEqualTo(NodeState.DRAINED);
        assertThat(NodeStatus.stateOf(node(Duration.ofSeconds(20), false, true), age, List.of())).isEqualTo(NodeState.ALIVE);
    }
}
