package dev.ferry.server.job;

import dev.ferry.control.access.TokenService;
import dev.ferry.control.job.JobService;
import dev.ferry.control.retention.RetentionPolicy;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Operation;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.operation.OperationJson;
import java.time.Clock;
import java.util.Map;

/**
 * {@code /v1/migrationJobs}: create, list, get, patch and delete jobs, the verbs
 * ({@code :start :stop :resume :restart :promote :verify :demoteDestination}) and the objects, events and lag history of
 * a job.
 */
public final class JobRoutes {
    private static final String COLLECTION = "/v1/migrationJobs";
    private static final String ITEM = COLLECTION + "/{name}";
    private static final int DEFAULT_EVENTS = 50;
    private static final java.time.Duration DEFAULT_LAG_WINDOW = java.time.Duration.ofHours(1);
    private static final java.time.Duration MAX_LAG_WINDOW = RetentionPolicy.LAG_HISTORY;

    private final JobService jobs;
    private final Clock clock;

    private JobRoutes(JobService jobs, Clock clock) {
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Body of the launching verbs; every field optional. {@code failedObjectsOnly} applies to {@code :restart}. */
    public record VerbJson(Boolean skipValidation, Boolean failedObjectsOnly) {
        boolean skip() {
            return Boolean.TRUE.equals(skipValidation);
        }

        boolean onlyFailedObjects() {
            return Boolean.TRUE.equals(failedObjectsOnly);
        }
    }

    public static void register(Router router, JobService jobs, Clock clock) {
        var routes = new JobRoutes(jobs, clock);
        router.add("POST", COLLECTION, routes::create)
                .add("GET", COLLECTION, routes::list)
                .add("GET", ITEM, routes::get)
                .add("PATCH", ITEM, routes::patch)
                .add("DELETE", ITEM, routes::delete)
                .add("POST", ITEM + ":start", r -> routes.launch(r, "start"))
                .add("POST", ITEM + ":resume", r -> routes.launch(r, "resume"))
                .add("POST", ITEM + ":restart", r -> routes.launch(r, "restart"))
                .add("POST", ITEM + ":stop", routes::stop)
                .add("POST", ITEM + ":promote", routes::promote)
                .add("POST", ITEM + ":verify", routes::verify)
                .add("POST", ITEM + ":demoteDestination", routes::demoteDestination)
                .add("GET", ITEM + "/objects", routes::objects)
                .add("GET", ITEM + "/events", routes::events)
                .add("GET", ITEM + "/lagHistory", routes::lagHistory);
    }

    private Response create(Request request) {
        var jobRequest = request.body(JobJson.class).toRequest(request.query("migrationJobId"));
        return answer(jobs.create(jobRequest, request.query("requestId")), jobRequest.name());
    }

    private Response list(Request request) {
        var now = clock.instant();
        return Response.ok(Map.of("migrationJobs", jobs.list().stream().map(j -> JobJson.of(j, now).withLag(jobs.lag(j.name()))
                .withHealth(jobs.health(j.name())).withRetention(jobs.retention(j.name())).withPipeline(jobs.pipeline(j.name()))
                .withSchema(jobs.schemaStatus(j.name())).withWaiting(jobs.waiting(j.name())))
                .toList()));
    }

    private Response get(Request request) {
        String name = request.pathParam("name");
        return Response.ok(JobJson.of(jobs.get(name), clock.instant()).withLag(jobs.lag(name)).withHealth(jobs.health(name))
                .withRetention(jobs.retention(name)).withPipeline(jobs.pipeline(name)).withSchema(jobs.schemaStatus(name))
                .withLease(jobs.lease(name), jobs.leaseTimeout()).withWaiting(jobs.waiting(name))
                .withPlacement(jobs.placement(name)));
    }

    private Response patch(Request request) {
        String name = request.pathParam("name");
        return answer(jobs.patch(name, request.body(JobJson.class).toPatch(), request.query("requestId")), name);
    }

    private Response delete(Request request) {
        String name = request.pathParam("name");
        return answer(jobs.delete(name, request.queryFlag("force", false), request.query("requestId")), name);
    }

    private Response launch(Request request, String verb) {
        String name = request.pathParam("name");
        VerbJson body = request.optionalBody(VerbJson.class);
        boolean skip = body != null && body.skip();
        boolean failedOnly = body != null && body.onlyFailedObjects();
        if (failedOnly && !verb.equals("restart")) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "failedObjectsOnly applies to :restart only; leave it out of :" + verb);
        }
        String requestId = request.query("requestId");
        Operation op = switch (verb) {
            case "start" -> jobs.start(name, skip, requestId);
            case "resume" -> jobs.resume(name, skip, requestId);
            case "restart" -> jobs.restart(name, skip, failedOnly, requestId);
            default -> throw new IllegalArgumentException("not a launching verb: " + verb);
        };
        return answer(op, name);
    }

    private Response stop(Request request) {
        String name = request.pathParam("name");
        request.optionalBody(VerbJson.class);
        return answer(jobs.stop(name, request.query("requestId")), name);
    }

    private Response promote(Request request) {
        String name = request.pathParam("name");
        request.optionalBody(VerbJson.class);
        return answer(jobs.promote(name, request.queryFlag("force", false), request.queryFlag("validate", false),
                request.query("requestId")), name);
    }

    private Response demoteDestination(Request request) {
        String name = request.pathParam("name");
        request.optionalBody(VerbJson.class);
        return answer(jobs.demoteDestination(name, request.query("requestId")), name);
    }

    private Response verify(Request request) {
        request.optionalBody(VerbJson.class);
        var findings = jobs.verify(request.pathParam("name")).stream().map(ProgressJson::finding).toList();
        return Response.ok(Map.of("findings", findings));
    }

    private Response objects(Request request) {
        var objects = jobs.objects(request.pathParam("name")).stream().map(ProgressJson::object).toList();
        return Response.ok(Map.of("objects", objects));
    }

    private Response events(Request request) {
        int limit = request.queryInt("limit", DEFAULT_EVENTS, 1, 1000);
        var events = jobs.events(request.pathParam("name"), limit).stream().map(ProgressJson::event).toList();
        return Response.ok(Map.of("events", events));
    }

    /** {@code ?window=1h} (the default; up to 7d) and {@code ?maxPoints=720} (10 to 10,000): see {@link LagHistoryJson}. */
    private Response lagHistory(Request request) {
        String text = request.query("window");
        java.time.Duration window = text == null || text.isBlank() ? DEFAULT_LAG_WINDOW : TokenService.parseExpiry(text);
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_LAG_WINDOW) > 0) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "window must be more than zero and at most 7d (the lag history kept), such as 1h or 7d");
        }
        int maxPoints = request.queryInt("maxPoints", LagHistoryJson.DEFAULT_POINTS, 10, 10_000);
        var samples = jobs.lagHistory(request.pathParam("name"), clock.instant().minus(window));
        return Response.ok(LagHistoryJson.of(samples, maxPoints));
    }

    private Response answer(Operation op, String name) {
        return Response.ok(OperationJson.of(op, () -> JobJson.of(jobs.get(name), clock.instant())));
    }
}
