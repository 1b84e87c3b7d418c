package dev.ferry.server.profile;

import dev.ferry.control.profile.ProfileService;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.Operation;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.operation.OperationJson;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/connectionProfiles}: create, list, get, patch and delete connection profiles, and
 * {@code :setRootPassword} of a managed instance (body {@code {"password": "..."}}, never answered back).
 */
public final class ProfileRoutes {
    private static final String COLLECTION = "/v1/connectionProfiles";
    private static final String ITEM = COLLECTION + "/{name}";

    private final ProfileService profiles;

    private ProfileRoutes(ProfileService profiles) {
        this.profiles = profiles;
    }

    public static void register(Router router, ProfileService profiles) {
        var routes = new ProfileRoutes(profiles);
        router.add("POST", COLLECTION, routes::create)
                .add("GET", COLLECTION, routes::list)
                .add("GET", ITEM, routes::get)
                .add("PATCH", ITEM, routes::patch)
                .add("DELETE", ITEM, routes::delete)
                .add("POST", ITEM + ":setRootPassword", routes::setRootPassword);
    }

    private Response create(Request request) {
        var body = request.body(ProfileJson.class);
        var profileRequest = body.toRequest(request.query("connectionProfileId"));
        var op = profiles.create(profileRequest, request.query("requestId"));
        return answer(op, profileRequest.name());
    }

    private Response list(Request request) {
        List<ProfileJson> all = profiles.list().stream().map(ProfileJson::of).toList();
        return Response.ok(Map.of("connectionProfiles", all));
    }

    private Response get(Request request) {
        return Response.ok(ProfileJson.of(profiles.get(request.pathParam("name"))));
    }

    private Response patch(Request request) {
        String name = request.pathParam("name");
        var body = request.body(ProfileJson.class);
        var op = profiles.update(name, body.toPatch(), request.query("requestId"));
        return answer(op, name);
    }

    private Response delete(Request request) {
        String name = request.pathParam("name");
        var op = profiles.delete(name, request.queryFlag("force", false), request.query("requestId"));
        return answer(op, name);
    }

    /** Body of {@code :setRootPassword}. */
    public record RootPasswordJson(String password) {
        @Override
        public String toString() {
            return "RootPasswordJson[password=***]";
        }
    }

    private Response setRootPassword(Request request) {
        String name = request.pathParam("name");
        RootPasswordJson body = request.optionalBody(RootPasswordJson.class);
        if (body == null || body.password() == null || body.password().isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "The new superuser password is required: POST with body {\"password\": \"...\"}");
        }
        return answer(profiles.setRootPassword(name, new Secret(body.password()), request.query("requestId")), name);
    }

    private Response answer(Operation op, String name) {
        return Response.ok(OperationJson.of(op, () -> ProfileJson.of(profiles.get(name))));
    }
}
