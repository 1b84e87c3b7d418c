package dev.ferry.server.operation;

import dev.ferry.control.ControlPlane;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Operation;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.job.JobJson;
import dev.ferry.server.profile.ProfileJson;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/operations/{id}}: how a mutating call stands, with its target resource once done; {@code GET
 * /v1/operations}: the newest operations.
 */
public final class OperationRoutes {
    /** Verbs only jobs have; {@code create} and {@code patch} apply to both kinds of resource. */
    private static final String JOBS = "migrationJobs/";
    private static final String PROFILES = "connectionProfiles/";
    private static final String TOKENS = "tokens/";
    private static final int DEFAULT_LIMIT = 100;

    private final ControlPlane control;
    private final Clock clock;

    private OperationRoutes(ControlPlane control, Clock clock) {
        this.control = control;
        this.clock = clock;
    }

    public static void register(Router router, ControlPlane control, Clock clock) {
        var routes = new OperationRoutes(control, clock);
        router.add("GET", "/v1/operations/{name}",
                request -> Response.ok(routes.describe(control.operations().get(request.pathParam("name")))))
                .add("GET", "/v1/operations", routes::list);
    }

    /** {@code ?limit=N} (1 to 1,000, default 100): the newest operations first, without their target resources. */
    private Response list(Request request) {
        int limit = request.queryInt("limit", DEFAULT_LIMIT, 1, 1000);
        return Response.ok(java.util.Map.of("operations",
                control.operations().list(limit).stream().map(op -> OperationJson.of(op, () -> null)).toList()));
    }

    private OperationJson describe(Operation op) {
        return OperationJson.of(op, () -> target(op));
    }

    /** The operation's target as it is now: {@code migrationJobs/NAME} or {@code connectionProfiles/NAME}. */
    private Object target(Operation op) {
        String target = op.target();
        if (target.startsWith(JOBS)) {
            return find(() -> control.jobs().get(target.substring(JOBS.length())))
                    .map(j -> JobJson.of(j, clock.instant())).orElse(null);
        }
        if (target.startsWith(PROFILES)) {
            return find(() -> control.profiles().get(target.substring(PROFILES.length())))
                    .map(ProfileJson::of).orElse(null);
        }
        if (target.startsWith(TOKENS)) {
            String name = target.substring(TOKENS.length());
            var now = clock.instant();
            return control.tokens().list().stream().filter(t -> t.name().equals(name)).findFirst()
                    .map(t -> dev.ferry.server.access.TokenJson.of(t, now)).orElse(null);
        }
        return null;
    }

    private static <T> Optional<T> find(Supplier<T> lookup) {
        try {
            return Optional.of(lookup.get());
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
