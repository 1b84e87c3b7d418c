package dev.ferry.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.server.http.Json;
import dev.ferry.server.http.Response;
import dev.ferry.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI 3.1 document of this API, a resource kept by hand beside the routes
 * ({@value #RESOURCE}). OpenApiIT holds it to the router (every route documented, every documented route served) and
 * checks real answers against its schemas.
 *
 * <p>The document sits behind the same token as every other GET (a viewer token reads it). It holds no secret, but the
 * security model opens nothing but {@code /healthz} to callers without a token (a map of the API would tell a scanner
 * what it found), and a caller without a token can do nothing with the API it describes anyway; tools that read it
 * (code generators, API explorers) send a viewer token like any client.
 */
public final class OpenApiRoutes {
    static final String RESOURCE = "/dev/ferry/server/openapi/openapi.json";

    private OpenApiRoutes() {}

    public static void register(Router router, Json json) {
        JsonNode document = document(json);
        router.add("GET", "/v1/openapi.json", request -> Response.ok(document));
    }

    /** The document, parsed once; a missing or broken resource is a build defect and stops the server from starting. */
    public static JsonNode document(Json json) {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the class path");
            }
            return json.read(in.readAllBytes(), JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the OpenAPI document " + RESOURCE + " failed", e);
        }
    }
}
