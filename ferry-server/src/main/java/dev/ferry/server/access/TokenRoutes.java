package dev.ferry.server.access;

import dev.ferry.control.access.IssuedToken;
import dev.ferry.control.access.SecretKeys;
import dev.ferry.control.access.TokenService;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Role;
import dev.ferry.server.http.Request;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import dev.ferry.server.operation.OperationJson;
import java.time.Clock;
import java.util.Map;

/**
 * {@code /v1/tokens} (create, list, revoke API tokens; admins only) and {@code POST /v1/secrets:rotateKey}
 * (a new key for secrets at rest).
 */
public final class TokenRoutes {
    private static final String COLLECTION = "/v1/tokens";

    private final TokenService tokens;
    private final SecretKeys keys;
    private final Clock clock;

    private TokenRoutes(TokenService tokens, SecretKeys keys, Clock clock) {
        this.tokens = tokens;
        this.keys = keys;
        this.clock = clock;
    }

    public static void register(Router router, TokenService tokens, SecretKeys keys, Clock clock) {
        var routes = new TokenRoutes(tokens, keys, clock);
        router.add("POST", COLLECTION, routes::create)
                .add("GET", COLLECTION, routes::list)
                .add("DELETE", COLLECTION + "/{name}", routes::revoke)
                .add("POST", "/v1/secrets:rotateKey", routes::rotateKey);
    }

    private Response create(Request request) {
        String name = request.query("tokenId");
        if (name == null || name.isBlank()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, "The query parameter tokenId (the token's name) is required");
        }
        var body = request.body(TokenJson.CreateJson.class);
        IssuedToken issued = tokens.create(name, Role.parse(body.role()), TokenService.parseExpiry(body.expiresIn()),
                request.query("requestId"));
        return Response.ok(OperationJson.of(issued.operation(), () -> TokenJson.issued(issued, clock.instant())));
    }

    private Response list(Request request) {
        var now = clock.instant();
        return Response.ok(Map.of("tokens", tokens.list().stream().map(t -> TokenJson.of(t, now)).toList()));
    }

    private Response revoke(Request request) {
        return Response.ok(OperationJson.of(tokens.revoke(request.pathParam("name"), request.query("requestId")), () -> null));
    }

    private Response rotateKey(Request request) {
        return Response.ok(OperationJson.of(keys.rotate(request.query("requestId")), () -> null));
    }
}
