package dev.ferry.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.control.ControlPlane;
import dev.ferry.core.model.Role;
import dev.ferry.server.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The web console's files and sessions on a real server: who may read what, and what the session cookie allows. */
@Timeout(60)
class ConsoleAccessIT {
    @TempDir
    static Path home;

    private static final ObjectMapper mapper = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static RunningServer server;
    private static ControlPlane control;
    private static String admin;
    private static String viewer;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start(home);
        control = server.control();
        admin = server.adminToken();
        viewer = control.tokens().create("console-viewer", Role.VIEWER, null, null).secret();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    record Answer(int status, String text, HttpResponse<String> response) {
        JsonNode json() throws Exception {
            return mapper.readTree(text);
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse("");
        }
    }

    private static Answer call(String method, String path, String body, Map<String, String> headers) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    private static Map<String, String> browser(String cookie, boolean withOrigin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (cookie != null) {
            headers.put("Cookie", cookie);
        }
        if (withOrigin) {
            headers.put("Origin", server.uri().toString());
        }
        return headers;
    }

    /** Signs in with {@code token}; returns the cookie as a browser sends it back. */
    private static String signIn(String token) throws Exception {
        var answer = call("POST", "/v1/sessions", "{\"token\":\"" + token + "\"}", browser(null, true));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        String setCookie = answer.header("Set-Cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void onlyTheSignInPageItsScriptAndTheStyleSheetAreServedWithoutASession() throws Exception {
        var signInPage = call("GET", "/signin", null, Map.of());
        assertThat(signInPage.status()).isEqualTo(200);
        assertThat(signInPage.header("Content-Type")).startsWith("text/html");
        assertThat(signInPage.text()).contains("admin.token");
        assertThat(signInPage.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(call("GET", "/console/signin.js", null, Map.of()).status()).isEqualTo(200);
        assertThat(call("GET", "/console/console.css", null, Map.of()).header("Content-Type")).startsWith("text/css");

        var console = call("GET", "/", null, Map.of());
        assertThat(console.status()).isEqualTo(303);
        assertThat(console.header("Location")).isEqualTo("/signin");
        assertThat(call("GET", "/console/app.js", null, Map.of()).status()).isEqualTo(401);
        assertThat(call("GET", "/console/job.js", null, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void signingInSetsAnHttpOnlyStrictCookieAndNeverHandsTheTokenBack() throws Exception {
        var answer = call("POST", "/v1/sessions", "{\"token\":\"" + admin + "\"}", browser(null, true));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("name").asText()).isEqualTo("admin");
        assertThat(answer.json().path("role").asText()).isEqualTo("admin");
        assertThat(answer.text()).doesNotContain(admin);
        String setCookie = answer.header("Set-Cookie");
        assertThat(setCookie).startsWith("ferry_session=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain(admin).doesNotContain("Secure");
    }

    @Test
    void theSessionCookieOpensTheConsoleAndTheApiAndAChangeNeedsTheServersOwnOrigin() throws Exception {
        String cookie = signIn(admin);

        var page = call("GET", "/", null, Map.of("Cookie", cookie));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("/console/app.js");
        assertThat(call("GET", "/console/app.js", null, Map.of("Cookie", cookie)).header("Content-Type"))
                .startsWith("text/javascript");
        assertThat(call("GET", "/v1/sessions/current", null, Map.of("Cookie", cookie)).json().path("role").asText())
                .isEqualTo("admin");
        assertThat(call("GET", "/v1/migrationJobs", null, Map.of("Cookie", cookie)).status()).isEqualTo(200);

        String body = "{\"role\":\"viewer\"}";
        var withoutOrigin = call("POST", "/v1/tokens?tokenId=no-origin", body, browser(cookie, false));
        assertThat(withoutOrigin.status()).isEqualTo(403);
        assertThat(withoutOrigin.text()).contains("Origin");
        Map<String, String> foreign = browser(cookie, false);
        foreign.put("Origin", "http://evil.example");
        assertThat(call("POST", "/v1/tokens?tokenId=foreign-origin", body, foreign).status()).isEqualTo(403);
        assertThat(control.tokens().list()).extracting(t -> t.name()).doesNotContain("no-origin", "foreign-origin");

        var own = call("POST", "/v1/tokens?tokenId=from-console", body, browser(cookie, true));
        assertThat(own.status()).as(own.text()).isEqualTo(200);
        assertThat(own.json().path("metadata").path("createdBy").asText()).isEqualTo("admin");
    }

    @Test
    void aViewersSessionMayReadButNotChange() throws Exception {
        String cookie = signIn(viewer);

        assertThat(call("GET", "/v1/connectionProfiles", null, Map.of("Cookie", cookie)).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/operations", null, Map.of("Cookie", cookie)).status()).isEqualTo(200);
        var write = call("POST", "/v1/tokens?tokenId=by-viewer", "{\"role\":\"viewer\"}", browser(cookie, true));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.json().path("code").asText()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void aWrongTokenOpensNoSession() throws Exception {
        var answer = call("POST", "/v1/sessions", "{\"token\":\"" + admin + "x\"}", browser(null, true));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("Set-Cookie")).isEmpty();
        assertThat(answer.text()).doesNotContain(admin);
        assertThat(call("GET", "/", null, Map.of("Cookie", "ferry_session=made-up")).status()).isEqualTo(303);
        assertThat(call("GET", "/v1/migrationJobs", null, Map.of("Cookie", "ferry_session=made-up")).status()).isEqualTo(401);
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        String cookie = signIn(viewer);

        var out = call("DELETE", "/v1/sessions/current", null, browser(cookie, true));

        assertThat(out.status()).isEqualTo(200);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        assertThat(call("GET", "/v1/migrationJobs", null, Map.of("Cookie", cookie)).status()).isEqualTo(401);
    }

    @Test
    void revokingTheTokenEndsItsSessions() throws Exception {
        String token = control.tokens().create("short-lived-console", Role.VIEWER, null, null).secret();
        String cookie = signIn(token);
        assertThat(call("GET", "/v1/migrationJobs", null, Map.of("Cookie", cookie)).status()).isEqualTo(200);

        call("DELETE", "/v1/tokens/short-lived-console", null, Map.of("Authorization", "Bearer " + admin,
                "Content-Type", "application/json"));

        assertThat(call("GET", "/v1/migrationJobs", null, Map.of("Cookie", cookie)).status()).isEqualTo(401);
    }

    @Test
    void theLagHistoryOfAnUnknownJobIsNotFoundAndABadWindowIsRefused() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + viewer);
        assertThat(call("GET", "/v1/migrationJobs/nope/lagHistory", null, auth).status()).isEqualTo(404);
        var bad = call("GET", "/v1/migrationJobs/nope/lagHistory?window=8d", null, auth);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text()).contains("7d");
    }
}
