package dev.ferry.server.source;

import dev.ferry.control.source.SourceLimitService;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.http.Times;
import dev.ferry.server.operation.OperationJson;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/sourceLimits} (every source server with a cap or with reservations) and {@code PUT /v1/sourceLimits}
 * (set a server's cap, or remove it with {@code maxConnections} left out). The server is a body field, not a path
 * segment, because {@code HOST:PORT} holds a colon, which paths keep for custom verbs.
 */
public final class SourceLimitRoutes {
    private static final String COLLECTION = "/v1/sourceLimits";

    private SourceLimitRoutes() {}

    /** One source server in the answer. */
    public record SourceServerJson(String server, Integer maxConnections, int connectionsInUse, String updateTime,
            List<ReservationJson> reservations) {
        static SourceServerJson of(SourceLimitService.ServerStatus s) {
            return new SourceServerJson(s.server(), s.maxConnections(), s.inUse(), Times.instant(s.updateTime()),
                    s.reservations().stream().map(r -> new ReservationJson(r.job(), r.node(), r.connections())).toList());
        }
    }

    /** The connections one running job holds to the server, on the node that runs it. */
    public record ReservationJson(String job, String node, int connections) {}

    /** A PUT's body: the server and its new cap (null removes the cap). */
    public record PutJson(String server, Integer maxConnections) {}

    public static void register(Router router, SourceLimitService limits) {
        router.add("GET", COLLECTION, request -> Response.ok(Map.of("sourceServers",
                        limits.list().stream().map(SourceServerJson::of).toList())))
                .add("PUT", COLLECTION, request -> put(request, limits));
    }

    private static Response put(Request request, SourceLimitService limits) {
        PutJson body = request.body(PutJson.class);
        if (body.server() == null || body.server().isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "server (HOST:PORT of the source, as its profile names it) is required");
        }
        String requestId = request.query("requestId");
        var op = body.maxConnections() == null ? limits.remove(body.server(), requestId)
                : limits.set(body.server(), body.maxConnections(), requestId);
        return Response.ok(OperationJson.of(op, () -> SourceServerJson.of(limits.get(body.server()))));
    }
}
