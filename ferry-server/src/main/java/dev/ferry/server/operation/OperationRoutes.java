package dev.ferry.server.operation;

import dev.ferry.control.ControlPlane;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Operation;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.job.JobJson;
import dev.ferry.server.profile.ProfileJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** {@code GET /v1/operations/{id}}: how a mutating call stands, with its target resource once done. */
public final class OperationRoutes {
    /** Verbs only jobs have; {@code create} and {@code patch} apply to both kinds of resource. */
    private static final Set<String> JOB_VERBS = Set.of("start", "stop", "resume", "restart", "promote", "verify");

    private final ControlPlane control;
    private final Clock clock;

    private OperationRoutes(ControlPlane control, Clock clock) {
        this.control = control;
        this.clock = clock;
    }

    public static void register(Router router, ControlPlane control, Clock clock) {
        var routes = new OperationRoutes(control, clock);
        router.add("GET", "/v1/operations/{name}",
                request -> Response.ok(routes.describe(control.operations().get(request.pathParam("name")))));
    }

    private OperationJson describe(Operation op) {
        return OperationJson.of(op, () -> target(op));
    }

    /**
     * The operation's target as it is now. An operation records the target's name only, and a job and
     * a profile may share a name: verbs only jobs have mean the job; otherwise the resource that
     * exists, or, when both do, the one whose last change is closest to the operation's end.
     */
    private Object target(Operation op) {
        Optional<MigrationJob> job = find(() -> control.jobs().get(op.target()));
        if (JOB_VERBS.contains(op.verb())) {
            return job.map(j -> JobJson.of(j, clock.instant())).orElse(null);
        }
        Optional<ConnectionProfile> profile = find(() -> control.profiles().get(op.target()));
        if (job.isPresent() && profile.isPresent()) {
            Instant at = op.endTime() != null ? op.endTime() : op.createTime();
            boolean jobCloser = distance(job.get().updateTime(), at).compareTo(distance(profile.get().updateTime(), at)) <= 0;
            return jobCloser ? JobJson.of(job.get(), clock.instant()) : ProfileJson.of(profile.get());
        }
        if (job.isPresent()) {
            return JobJson.of(job.get(), clock.instant());
        }
        return profile.map(ProfileJson::of).orElse(null);
    }

    private static Duration distance(Instant a, Instant b) {
        return a == null || b == null ? Duration.ofDays(36500) : Duration.between(a, b).abs();
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
