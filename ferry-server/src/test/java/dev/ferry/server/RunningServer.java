package dev.ferry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.Store;
import dev.ferry.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A real API server for a test class: an embedded store in {@code home}, the real control plane with every engine and
 * provisioner on the class path, and the server on a free loopback port, with the admin token its first start made.
 * Close it once, after the class's tests.
 */
public final class RunningServer implements AutoCloseable {
    private static final ObjectMapper mapper = new ObjectMapper();

    private final Store store;
    private final ControlPlane control;
    private final ApiServer server;
    private final String adminToken;

    private RunningServer(Path home) {
        store = JdbcStore.open(StoreConfig.embedded(home));
        control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC());
        adminToken = control.tokens().bootstrapAdmin().orElseThrow().secret();
        server = new ApiServer(ServerConfig.local(0), control);
        server.start();
    }

    public static RunningServer start(Path home) {
        return new RunningServer(home);
    }

    public ControlPlane control() {
        return control;
    }

    public String adminToken() {
        return adminToken;
    }

    /** The server's base URI, such as {@code http://127.0.0.1:40123}. */
    public URI uri() {
        return server.uri();
    }

    /** An answer: status, the body parsed when it is JSON (else null), and the body's text. */
    public record Answer(int status, JsonNode body, String text, String contentType) {}

    /** Calls the API as the admin. */
    public Answer call(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, adminToken);
    }

    /** Calls the API with {@code bearer} as the token, or none when it is null. */
    public Answer call(String method, String path, String body, String bearer) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        // A client of its own per call: a pooled connection the server closed after an earlier answer would be
        // reset under the next request, which says nothing about the API under test.
        HttpResponse<String> response;
        try (var client = HttpClient.newHttpClient()) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode json = contentType.startsWith("application/json") ? mapper.readTree(response.body()) : null;
        return new Answer(response.statusCode(), json, response.body(), contentType);
    }

    @Override
    public void close() {
        server.close();
        control.close();
        store.close();
    }
}
