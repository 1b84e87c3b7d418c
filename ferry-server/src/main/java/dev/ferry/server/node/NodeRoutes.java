package dev.ferry.server.node;

import dev.ferry.control.node.NodeService;
import dev.ferry.control.node.NodeStatus;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.http.Times;
import java.util.List;
import java.util.Map;

/**
 * The nodes sharing the store (none with the embedded store): {@code GET /v1/nodes}, and the verbs {@code :drain},
 * {@code :undrain} and {@code :forget} (a dead node's row), which answer the node. Verbs, not plain item paths, because
 * a node's default name (host and port) holds a colon.
 */
public final class NodeRoutes {
    private static final String COLLECTION = "/v1/nodes";
    private static final String ITEM = COLLECTION + "/{name}";

    private NodeRoutes() {}

    /**
     * One node in the answer; {@code heartbeatAgeSeconds} is how long ago it last renewed its row, {@code state} one of
     * ALIVE, DRAINING, DRAINED, DEAD.
     */
    public record NodeJson(String name, String address, String version, int maxJobs, String startTime,
            String heartbeatTime, double heartbeatAgeSeconds, Double leaseTimeoutSeconds, String state, List<String> jobs) {
        static NodeJson of(NodeStatus s) {
            var n = s.node();
            return new NodeJson(n.name(), n.address(), n.version(), n.maxJobs(), Times.instant(n.startTime()),
                    Times.instant(n.heartbeatTime()), s.heartbeatAge().toMillis() / 1000.0,
                    n.leaseTimeout() == null ? null : n.leaseTimeout().toMillis() / 1000.0, s.state().name(), s.jobs());
        }
    }

    public static void register(Router router, NodeService nodes) {
        router.add("GET", COLLECTION,
                request -> Response.ok(Map.of("nodes", nodes.list().stream().map(NodeJson::of).toList())))
                .add("POST", ITEM + ":drain", request -> Response.ok(NodeJson.of(nodes.drain(name(request), request.queryFlag("force", false)))))
                .add("POST", ITEM + ":undrain", request -> Response.ok(NodeJson.of(nodes.undrain(name(request)))))
                .add("POST", ITEM + ":forget", request -> {
                    NodeStatus node = nodes.get(name(request));
                    nodes.forget(node.node().name());
                    return Response.ok(NodeJson.of(node));
                });
    }

    private static String name(Request request) {
        return request.pathParam("name");
    }
}
