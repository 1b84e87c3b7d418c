package dev.ferry.server.declare;

import dev.ferry.control.job.JobDeclarations;
import dev.ferry.control.job.JobService;
import dev.ferry.control.profile.ProfileService;
import dev.ferry.core.model.Operation;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.job.JobDeclarationJson;
import dev.ferry.server.job.JobJson;
import dev.ferry.server.operation.OperationJson;
import dev.ferry.server.profile.ProfileJson;
import java.time.Clock;
import java.util.Map;

/**
 * {@code PUT /v1/connectionProfiles/{name}} and {@code PUT /v1/migrationJobs/{name}}: create the resource, or change
 * it to match the body, and answer the operation. With {@code validateOnly=true} nothing changes and the answer is
 * {@code {"plan": ...}}. A change the resource's state forbids is refused with FAILED_PRECONDITION and its reason.
 */
public final class DeclarationRoutes {
    private static final String PROFILE = "/v1/connectionProfiles/{name}";
    private static final String JOB = "/v1/migrationJobs/{name}";

    private final ProfileService profiles;
    private final JobService jobs;
    private final JobDeclarations declaredJobs;
    private final Clock clock;

    private DeclarationRoutes(ProfileService profiles, JobService jobs, Clock clock) {
        this.profiles = profiles;
        this.jobs = jobs;
        this.declaredJobs = new JobDeclarations(jobs);
        this.clock = clock;
    }

    public static void register(Router router, ProfileService profiles, JobService jobs, Clock clock) {
        var routes = new DeclarationRoutes(profiles, jobs, clock);
        router.add("PUT", PROFILE, routes::putProfile).add("PUT", JOB, routes::putJob);
    }

    private Response putProfile(Request request) {
        String name = request.pathParam("name");
        var desired = request.body(ProfileJson.class).toRequest(name);
        if (request.queryFlag("validateOnly", false)) {
            return Response.ok(Map.of("plan", PlanJson.of(profiles.plan(desired))));
        }
        Operation op = profiles.put(desired, request.query("requestId"));
        return Response.ok(OperationJson.of(op, () -> ProfileJson.of(profiles.get(name))));
    }

    private Response putJob(Request request) {
        String name = request.pathParam("name");
        var declared = request.body(JobDeclarationJson.class).toDeclaration(name);
        if (request.queryFlag("validateOnly", false)) {
            return Response.ok(Map.of("plan", PlanJson.of(declaredJobs.plan(declared))));
        }
        Operation op = declaredJobs.put(declared, request.query("requestId"));
        return Response.ok(OperationJson.of(op, () -> JobJson.of(jobs.get(name), clock.instant())));
    }
}
