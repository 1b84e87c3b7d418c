package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.Store;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ApiServerIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @TempDir
    static Path home;

    private static final ObjectMapper mapper = new ObjectMapper();
    private static final AtomicInteger names = new AtomicInteger();
    private static final String FALLBACK_PASSWORD = "not-needed-but-secret-7f3a";

    private static Store store;
    private static ControlPlane control;
    private static ApiServer server;
    private static String token;

    @BeforeAll
    static void startServer() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC());
        token = control.tokens().bootstrapAdmin().orElseThrow().secret();
        server = new ApiServer(ServerConfig.local(0), control);
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        control.close();
        store.close();
    }

    record Answer(int status, JsonNode body, String text) {}

    private static Answer call(String method, String path, String body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .build();
        // A client of its own per call: a pooled connection the server closed after an earlier answer would be
        // reset under the next request, which says nothing about the API under test.
        HttpResponse<String> response;
        try (var client = HttpClient.newHttpClient()) {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        JsonNode json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? mapper.readTree(response.body()) : null;
        return new Answer(response.statusCode(), json, response.body());
    }

    private static String password() {
        DatabaseConnection superuser = pg.superuser();
        return superuser.password() == null ? FALLBACK_PASSWORD : superuser.password().reveal();
    }

    private static String profileBody() {
        DatabaseConnection superuser = pg.superuser();
        ObjectNode body = mapper.createObjectNode();
        body.put("displayName", "Test server");
        body.putObject("labels").put("team", "data");
        ObjectNode postgresql = body.putObject("postgresql");
        postgresql.put("host", superuser.host()).put("port", superuser.port()).put("username", superuser.username())
                .put("password", password());
        return body.toString();
    }

    private static String newName(String prefix) {
        return prefix + "-" + names.incrementAndGet();
    }

    private static String createProfile() throws IOException, InterruptedException {
        String name = newName("profile");
        var answer = call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, profileBody());
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return name;
    }

    @Test
    void healthzAnswersOk() throws Exception {
        var answer = call("GET", "/healthz", null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void createsGetsListsPatchesAndDeletesAProfileWithoutEverAnsweringThePassword() throws Exception {
        String name = newName("crud");

        var created = call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, profileBody());
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.body().path("done").asBoolean()).isTrue();
        assertThat(created.body().path("response").path("name").asText()).isEqualTo(name);

        var got = call("GET", "/v1/connectionProfiles/" + name, null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body().path("postgresql").path("passwordSet").asBoolean()).isTrue();
        assertThat(got.body().path("postgresql").has("password")).isFalse();
        assertThat(got.body().path("state").asText()).isEqualTo("READY");
        assertThat(got.body().path("labels").path("team").asText()).isEqualTo("data");

        var listed = call("GET", "/v1/connectionProfiles", null);
        assertThat(listed.body().path("connectionProfiles").findValuesAsText("name")).contains(name);

        var patched = call("PATCH", "/v1/connectionProfiles/" + name, "{\"displayName\":\"Renamed\"}");
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.body().path("response").path("displayName").asText()).isEqualTo("Renamed");

        var deleted = call("DELETE", "/v1/connectionProfiles/" + name, null);
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
        assertThat(deleted.body().path("done").asBoolean()).isTrue();
        assertThat(call("GET", "/v1/connectionProfiles/" + name, null).status()).isEqualTo(404);

        for (var answer : new Answer[] {created, got, listed, patched, deleted}) {
            assertThat(answer.text()).doesNotContain(password());
        }
    }

    @Test
    void refusesADuplicateProfileWith409() throws Exception {
        String name = createProfile();
        var answer = call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, profileBody());
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.body().path("code").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(answer.body().path("message").asText()).contains(name);
    }

    @Test
    void answersMalformedJsonWith400AndCodeAndMessage() throws Exception {
        var answer = call("POST", "/v1/connectionProfiles?connectionProfileId=broken", "{\"postgresql\": {");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(answer.body().path("message").asText()).contains("not valid JSON");
    }

    @Test
    void answersAFieldOfTheWrongTypeWith400NamingTheField() throws Exception {
        var answer = call("POST", "/v1/connectionProfiles?connectionProfileId=typed",
                "{\"postgresql\":{\"host\":\"h\",\"port\":\"five\",\"username\":\"u\"}}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("message").asText()).contains("postgresql.port");
    }

    @Test
    void answersAMissingBodyWith400() throws Exception {
        var answer = call("POST", "/v1/connectionProfiles?connectionProfileId=empty", null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("message").asText()).contains("body is required");
    }

    @Test
    void refusesABodyOverOneMebibyte() throws Exception {
        String big = "{\"displayName\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
        var answer = call("POST", "/v1/connectionProfiles?connectionProfileId=big", big);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body().path("code").asText()).isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void answersUnknownJobWith404() throws Exception {
        var answer = call("GET", "/v1/migrationJobs/no-such-job", null);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body().path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(answer.body().path("message").asText()).contains("no-such-job");
    }

    @Test
    void answersUnknownRouteWith404AndWrongMethodWith405() throws Exception {
        assertThat(call("GET", "/v1/nothing", null).status()).isEqualTo(404);
        assertThat(call("PUT", "/v1/migrationJobs", "{}").status()).isEqualTo(405);
    }

    @Test
    void refusesAVerbIllegalInTheJobsStateWith400NamingTheState() throws Exception {
        String source = createProfile();
        String destination = createProfile();
        String job = newName("job");
        var created = call("POST", "/v1/migrationJobs?migrationJobId=" + job,
                "{\"type\":\"ONE_TIME\",\"source\":\"%s\",\"destination\":\"%s\",\"objectsConfig\":{\"include\":[\"nothing\"]}}"
                        .formatted(source, destination));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.body().path("response").path("state").asText()).isEqualTo("NOT_STARTED");

        var refused = call("POST", "/v1/migrationJobs/" + job + ":stop", null);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("code").asText()).isEqualTo("FAILED_PRECONDITION");
        assertThat(refused.body().path("message").asText()).contains("NOT_STARTED");
    }

    @Test
    void keepsApplyPartitionsThroughCreatePatchAndGetAndRefusesZeroWith400() throws Exception {
        String source = createProfile();
        String destination = createProfile();
        String job = newName("partitions");
        String body = "{\"type\":\"CONTINUOUS\",\"source\":\"%s\",\"destination\":\"%s\",\"performanceConfig\":%s}";

        var refused = call("POST", "/v1/migrationJobs?migrationJobId=" + job,
                body.formatted(source, destination, "{\"applyPartitions\":0}"));
        var created = call("POST", "/v1/migrationJobs?migrationJobId=" + job,
                body.formatted(source, destination, "{\"parallelism\":3,\"applyPartitions\":5}"));
        var patched = call("PATCH", "/v1/migrationJobs/" + job, "{\"performanceConfig\":{\"applyPartitions\":7}}");
        var read = call("GET", "/v1/migrationJobs/" + job, null);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(refused.body().path("message").asText()).contains("performanceConfig.applyPartitions 0 is out of range");
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.body().path("response").path("performanceConfig").path("applyPartitions").asInt()).isEqualTo(5);
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(read.body().path("performanceConfig").toString()).isEqualTo("{\"parallelism\":3,\"applyPartitions\":7}");
        assertThat(read.body().has("pipeline")).as("a job that does not replicate has no pipeline").isFalse();
    }

    @Test
    void answersTheSameOperationForARepeatedRequestId() throws Exception {
        String name = newName("idem");
        String path = "/v1/connectionProfiles?connectionProfileId=" + name + "&requestId=req-" + name;

        var first = call("POST", path, profileBody());
        var second = call("POST", path, profileBody());

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).as(second.text()).isEqualTo(200);
        assertThat(second.body().path("name").asText()).isEqualTo(first.body().path("name").asText());
    }

    @Test
    void describesAnOperationById() throws Exception {
        String name = newName("op");
        var created = call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, profileBody());
        String operation = created.body().path("name").asText();

        var answer = call("GET", "/v1/operations/" + operation, null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("name").asText()).isEqualTo(operation);
        assertThat(answer.body().path("done").asBoolean()).isTrue();
        assertThat(answer.body().path("metadata").path("verb").asText()).isEqualTo("create");
        assertThat(answer.body().path("metadata").path("target").asText()).isEqualTo("connectionProfiles/" + name);
        assertThat(answer.body().path("response").path("name").asText()).isEqualTo(name);
        assertThat(call("GET", "/v1/operations/op-missing", null).status()).isEqualTo(404);
    }

    @Test
    void servesMetricsInThePrometheusTextFormat() throws Exception {
        String job = newName("metrics");
        var created = call("POST", "/v1/migrationJobs?migrationJobId=" + job,
                "{\"type\":\"ONE_TIME\",\"source\":\"%s\",\"destination\":\"%s\",\"objectsConfig\":{\"include\":[\"nothing\"]}}"
                        .formatted(createProfile(), createProfile()));
        assertThat(created.status()).as(created.text()).isEqualTo(200);

        var answer = call("GET", "/metrics", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("# TYPE ferry_jobs gauge").contains("# TYPE ferry_job_state gauge")
                .contains("ferry_job_state{job=\"%s\",state=\"NOT_STARTED\"} 1.0".formatted(job))
                .contains("ferry_job_state{job=\"%s\",state=\"RUNNING\"} 0.0".formatted(job))
                .contains("# TYPE ferry_rows_copied_total counter")
                .contains("ferry_rows_copied_total{job=\"%s\"} 0.0".formatted(job));
    }

    private static String profileBody(String displayName) throws IOException {
        return ((ObjectNode) mapper.readTree(profileBody())).put("displayName", displayName).toString();
    }

    private static String declaredJob(String type, String source, String destination) {
        ObjectNode body = mapper.createObjectNode().put("type", type).put("source", source).put("destination", destination)
                .put("desiredState", "stopped");
        body.putObject("objectsConfig").putArray("include").add("nothing-here");
        return body.toString();
    }

    @Test
    void putPlansCreatesLeavesAloneAndUpdatesAProfileToMatch() throws Exception {
        String name = newName("put");
        Answer planned = call("PUT", "/v1/connectionProfiles/" + name + "?validateOnly=true", profileBody("First"));
        assertThat(planned.status()).as(planned.text()).isEqualTo(200);
        assertThat(planned.body().path("plan").path("action").asText()).isEqualTo("CREATE");
        assertThat(call("GET", "/v1/connectionProfiles/" + name, null).status()).isEqualTo(404);

        Answer created = call("PUT", "/v1/connectionProfiles/" + name, profileBody("First"));
        Answer same = call("PUT", "/v1/connectionProfiles/" + name + "?validateOnly=true", profileBody("First"));
        Answer renamed = call("PUT", "/v1/connectionProfiles/" + name, profileBody("Second"));

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        assertThat(created.body().path("response").path("postgresql").path("passwordSet").asBoolean()).isTrue();
        assertThat(same.body().path("plan").path("action").asText()).isEqualTo("UNCHANGED");
        assertThat(renamed.body().path("metadata").path("statusMessage").asText()).isEqualTo("connection profile updated");
        assertThat(renamed.body().path("response").path("displayName").asText()).isEqualTo("Second");
        for (Answer answer : new Answer[] {planned, created, same, renamed}) {
            assertThat(answer.text()).doesNotContain(password());
        }
    }

    @Test
    void aRefusedPutAnswersItsReasonAndChangesNothing() throws Exception {
        String source = createProfile();
        String destination = createProfile();
        String job = newName("put-job");
        Answer created = call("PUT", "/v1/migrationJobs/" + job, declaredJob("ONE_TIME", source, destination));
        assertThat(created.status()).as(created.text()).isEqualTo(200);

        Answer plan = call("PUT", "/v1/migrationJobs/" + job + "?validateOnly=true", declaredJob("CONTINUOUS", source, destination));
        Answer refused = call("PUT", "/v1/migrationJobs/" + job, declaredJob("CONTINUOUS", source, destination));

        assertThat(plan.body().path("plan").path("action").asText()).isEqualTo("REFUSED");
        assertThat(plan.body().path("plan").path("changes").get(0).path("field").asText()).isEqualTo("type");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("code").asText()).isEqualTo("FAILED_PRECONDITION");
        assertThat(refused.body().path("message").asText()).contains("type cannot change after the job is created");
        assertThat(call("GET", "/v1/migrationJobs/" + job, null).body().path("type").asText()).isEqualTo("ONE_TIME");
    }
}
