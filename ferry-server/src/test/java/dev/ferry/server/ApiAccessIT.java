package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Role;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.Store;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Secure by default: who may call the API, and from where. Every refusal changes nothing. */
@Timeout(120)
class ApiAccessIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @TempDir
    static Path home;

    private static final ObjectMapper mapper = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final AtomicInteger names = new AtomicInteger();
    private static final TestClock clock = new TestClock();

    private static Store store;
    private static ControlPlane control;
    private static ApiServer server;
    private static String admin;
    private static String viewer;

    @BeforeAll
    static void startServer() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), clock);
        admin = control.tokens().bootstrapAdmin().orElseThrow().secret();
        viewer = control.tokens().create("dashboards", Role.VIEWER, null, null).secret();
        server = new ApiServer(ServerConfig.local(0), control, clock);
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        control.close();
        store.close();
    }

    record Answer(int status, JsonNode body, String text, HttpResponse<String> response) {}

    private static Answer call(String method, String path, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        var builder = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? mapper.readTree(response.body()) : null;
        return new Answer(response.statusCode(), json, response.body(), response);
    }

    private static Map<String, String> json(String token) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        return headers;
    }

    private static String profileBody() {
        DatabaseConnection superuser = pg.superuser();
        ObjectNode body = mapper.createObjectNode();
        body.putObject("postgresql").put("host", superuser.host()).put("port", superuser.port())
                .put("username", superuser.username())
                .put("password", superuser.password() == null ? "unused-7c1e" : superuser.password().reveal());
        return body.toString();
    }

    private static String create(String name) {
        return "/v1/connectionProfiles?connectionProfileId=" + name;
    }

    private static void assertNotCreated(String name) throws Exception {
        assertThat(call("GET", "/v1/connectionProfiles/" + name, null, json(admin)).status()).isEqualTo(404);
    }

    @Test
    void healthzNeedsNoToken() throws Exception {
        assertThat(call("GET", "/healthz", null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void aCallWithoutTokenGets401WithCodeAndMessage() throws Exception {
        String name = "no-token-" + names.incrementAndGet();

        var answer = call("POST", create(name), profileBody(), json(null));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().path("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(answer.body().path("message").asText()).contains("Authorization: Bearer");
        assertThat(answer.response().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(call("GET", "/v1/migrationJobs", null, json(null)).status()).isEqualTo(401);
        assertThat(call("GET", "/metrics", null, json(null)).status()).isEqualTo(401);
        assertNotCreated(name);
    }

    @Test
    void aWrongTokenGets401() throws Exception {
        String name = "wrong-token-" + names.incrementAndGet();

        var answer = call("POST", create(name), profileBody(), json(admin + "x"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().path("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(answer.text()).doesNotContain(admin);
        assertNotCreated(name);
    }

    @Test
    void anExpiredTokenGets401() throws Exception {
        String shortLived = control.tokens().create("short-" + names.incrementAndGet(), Role.ADMIN, Duration.ofHours(1), null).secret();
        assertThat(call("GET", "/v1/connectionProfiles", null, json(shortLived)).status()).isEqualTo(200);

        clock.advance(Duration.ofHours(2));
        var answer = call("GET", "/v1/connectionProfiles", null, json(shortLived));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().path("message").asText()).contains("expired");
    }

    @Test
    void aRevokedTokenGets401() throws Exception {
        String name = "revoked-" + names.incrementAndGet();
        String token = control.tokens().create(name, Role.VIEWER, null, null).secret();

        var revoked = call("DELETE", "/v1/tokens/" + name, null, json(admin));

        assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);
        assertThat(call("GET", "/v1/connectionProfiles", null, json(token)).status()).isEqualTo(401);
    }

    @Test
    void aViewerMayReadButAWriteGets403AndChangesNothing() throws Exception {
        String name = "by-viewer-" + names.incrementAndGet();

        var write = call("POST", create(name), profileBody(), json(viewer));

        assertThat(write.status()).isEqualTo(403);
        assertThat(write.body().path("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(write.body().path("message").asText()).contains("dashboards").contains("viewer");
        assertNotCreated(name);
        assertThat(call("GET", "/v1/connectionProfiles", null, json(viewer)).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, json(viewer)).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/tokens", null, json(viewer)).status()).isEqualTo(403);
    }

    @Test
    void anAdminPostGets200AndTheOperationAndEventsNameTheToken() throws Exception {
        String source = "by-admin-" + names.incrementAndGet();
        String destination = "by-admin-" + names.incrementAndGet();

        var created = call("POST", create(source), profileBody(), json(admin));

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.body().path("metadata").path("createdBy").asText()).isEqualTo("admin");
        assertThat(call("POST", create(destination), profileBody(), json(admin)).status()).isEqualTo(200);
        String job = "job-" + names.incrementAndGet();
        var jobCreated = call("POST", "/v1/migrationJobs?migrationJobId=" + job,
                "{\"type\":\"ONE_TIME\",\"source\":\"%s\",\"destination\":\"%s\"}".formatted(source, destination), json(admin));
        assertThat(jobCreated.status()).as(jobCreated.text()).isEqualTo(200);
        var operation = call("GET", "/v1/operations/" + jobCreated.body().path("name").asText(), null, json(viewer));
        assertThat(operation.body().path("metadata").path("createdBy").asText()).isEqualTo("admin");
        var events = call("GET", "/v1/migrationJobs/" + job + "/events", null, json(viewer));
        assertThat(events.body().path("events").findValuesAsText("message")).contains("Job created by admin");
    }

    @Test
    void aCrossOriginTextPlainPostIsRefusedAndChangesNothing() throws Exception {
        String name = "csrf-" + names.incrementAndGet();
        Map<String, String> browser = new LinkedHashMap<>(json(admin));
        browser.put("Content-Type", "text/plain");
        browser.put("Origin", "http://evil.example");

        var fromPage = call("POST", create(name), profileBody(), browser);
        browser.remove("Origin");
        var textPlain = call("POST", create(name), profileBody(), browser);

        assertThat(fromPage.status()).isEqualTo(403);
        assertThat(fromPage.body().path("message").asText()).contains("another origin");
        assertThat(textPlain.status()).isEqualTo(415);
        assertThat(textPlain.body().path("message").asText()).contains("Content-Type: application/json");
        assertNotCreated(name);
    }

    @Test
    void aPostFromTheServersOwnOriginIsAccepted() throws Exception {
        String name = "same-origin-" + names.incrementAndGet();
        Map<String, String> headers = new LinkedHashMap<>(json(admin));
        headers.put("Origin", "http://127.0.0.1:" + server.port());

        var answer = call("POST", create(name), profileBody(), headers);

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    }

    @Test
    void aForeignHostIsRefused() throws Exception {
        String status = rawStatusLine("GET /v1/connectionProfiles HTTP/1.1\r\nHost: rebound.evil.example:" + server.port()
                + "\r\nAuthorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n");
        String own = rawStatusLine("GET /v1/connectionProfiles HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nAuthorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n");

        assertThat(status).startsWith("HTTP/1.1 403");
        assertThat(own).startsWith("HTTP/1.1 200");
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (var answer : new Answer[] {call("GET", "/healthz", null, Map.of()), call("GET", "/v1/tokens", null, json(null))}) {
            var headers = answer.response().headers();
            assertThat(headers.firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(headers.firstValue("X-Frame-Options")).contains("DENY");
            assertThat(headers.firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
            assertThat(headers.firstValue("Cache-Control")).contains("no-store");
            assertThat(headers.firstValue("Referrer-Policy")).contains("no-referrer");
        }
    }

    @Test
    void anAdminCreatesAViewerTokenThatIsShownOnceAndListedWithoutIt() throws Exception {
        String name = "ci-" + names.incrementAndGet();

        var created = call("POST", "/v1/tokens?tokenId=" + name, "{\"role\":\"viewer\",\"expiresIn\":\"30d\"}", json(admin));

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        String token = created.body().path("response").path("token").asText();
        assertThat(token).startsWith("ferry_").hasSizeGreaterThan(40);
        assertThat(call("GET", "/v1/connectionProfiles", null, json(token)).status()).isEqualTo(200);
        var listed = call("GET", "/v1/tokens", null, json(admin));
        assertThat(listed.body().path("tokens").findValuesAsText("name")).contains(name);
        assertThat(listed.text()).doesNotContain(token);
        var operation = call("GET", "/v1/operations/" + created.body().path("name").asText(), null, json(admin));
        assertThat(operation.text()).doesNotContain(token);
        assertThat(store.listTokens()).allSatisfy(t -> assertThat(t.tokenHash()).doesNotContain(token));
    }

    private static String rawStatusLine(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().findFirst().orElse("");
        }
    }

    /** A clock the test moves forward, to expire tokens without waiting. */
    static final class TestClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration by) {
            now.updateAndGet(t -> t.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
