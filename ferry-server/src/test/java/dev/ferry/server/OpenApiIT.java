package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.Role;
import dev.ferry.server.RunningServer.Answer;
import dev.ferry.server.http.Json;
import dev.ferry.server.http.Router;
import dev.ferry.testkit.LocalPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document served at {@code /v1/openapi.json} against the server itself: the router's routes and the
 * document's operations are the same set, and real answers validate against the schemas the document declares for
 * them.
 */
@Timeout(120)
class OpenApiIT {
    private static final String DOCUMENT = "ferry-server/src/main/resources/dev/ferry/server/openapi/openapi.json";
    private static final String DOCUMENT_IRI = "https://ferry.invalid/v1/openapi.json";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @TempDir
    static Path home;

    private static final ObjectMapper mapper = new ObjectMapper();

    private static RunningServer server;
    private static JsonNode document;
    private static SchemaRegistry schemas;

    @BeforeAll
    static void startServer() throws Exception {
        server = RunningServer.start(home);
        var served = server.call("GET", "/v1/openapi.json", null);
        assertThat(served.status()).as(served.text()).isEqualTo(200);
        document = served.body();
        String text = served.text();
        schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), builder -> builder.schemas(Map.of(DOCUMENT_IRI, text)));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Answer call(String method, String path, String body) throws IOException, InterruptedException {
        return server.call(method, path, body);
    }

    /** Every method and path template the document describes, as {@code METHOD /path}. */
    private static Set<String> documented() {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (HTTP_METHODS.contains(operation.getKey())) {
                    operations.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    private static Set<String> served() {
        Set<String> routes = new TreeSet<>();
        for (Router.Endpoint endpoint : ApiServer.routes(server.control(), new Json(), Clock.systemUTC()).endpoints()) {
            routes.add(endpoint.toString());
        }
        return routes;
    }

    @Test
    void everyRouteTheServerServesIsDocumented() {
        Set<String> undocumented = new TreeSet<>(served());
        undocumented.removeAll(documented());

        assertThat(undocumented).as("These routes are served but missing from %s; add each under \"paths\" (same path "
                + "template, method in lower case) with its parameters, request body, answer and errors", DOCUMENT).isEmpty();
    }

    @Test
    void everyDocumentedRouteIsServed() {
        Set<String> unserved = new TreeSet<>(documented());
        unserved.removeAll(served());

        assertThat(unserved).as("%s documents these routes, which the server does not serve; remove them or fix their "
                + "path template", DOCUMENT).isEmpty();
    }

    @Test
    void everyPathVariableIsADeclaredPathParameter() {
        Set<String> problems = new TreeSet<>();
        document.path("paths").properties().forEach(path -> {
            Set<String> variables = new TreeSet<>();
            Matcher m = PATH_VARIABLE.matcher(path.getKey());
            while (m.find()) {
                variables.add(m.group(1));
            }
            path.getValue().properties().forEach(operation -> {
                if (!HTTP_METHODS.contains(operation.getKey())) {
                    return;
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode parameters : List.of(path.getValue().path("parameters"), operation.getValue().path("parameters"))) {
                    for (JsonNode parameter : parameters) {
                        JsonNode p = resolve(parameter);
                        if ("path".equals(p.path("in").asText())) {
                            declared.add(p.path("name").asText());
                        }
                    }
                }
                if (!declared.equals(variables)) {
                    problems.add("%s %s declares path parameters %s for variables %s".formatted(operation.getKey(), path.getKey(),
                            declared, variables));
                }
            });
        });

        assertThat(problems).isEmpty();
    }

    @Test
    void theDocumentNeedsATokenAndAViewerTokenReadsIt() throws Exception {
        String viewer = server.control().tokens().create("openapi-reader", Role.VIEWER, null, null).secret();

        var refused = server.call("GET", "/v1/openapi.json", null, null);
        var read = server.call("GET", "/v1/openapi.json", null, viewer);

        assertThat(refused.status()).isEqualTo(401);
        assertValid("/v1/openapi.json", "get", refused);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(read.body()).isEqualTo(document);
    }

    @Test
    void realAnswersValidateAgainstTheDocumentsSchemas() throws Exception {
        String jobBody = "{\"type\":\"ONE_TIME\",\"source\":\"oa-source\",\"destination\":\"oa-destination\","
                + "\"objectsConfig\":{\"include\":[\"nothing\"]},\"performanceConfig\":{\"parallelism\":2}}";
        assertValidRequest("/v1/connectionProfiles", "post", profileBody());
        assertValidRequest("/v1/migrationJobs", "post", jobBody);
        assertValidRequest("/v1/migrationJobs/{name}", "patch", "{\"displayName\":\"Renamed\",\"labels\":{\"team\":\"ops\"}}");
        assertValidRequest("/v1/migrationJobs/{name}:start", "post", "{\"skipValidation\":true}");
        assertValidRequest("/v1/tokens", "post", "{\"role\":\"viewer\",\"expiresIn\":\"30d\"}");

        var source = call("POST", "/v1/connectionProfiles?connectionProfileId=oa-source", profileBody());
        call("POST", "/v1/connectionProfiles?connectionProfileId=oa-destination", profileBody());
        var job = call("POST", "/v1/migrationJobs?migrationJobId=oa-job", jobBody);
        var patched = call("PATCH", "/v1/migrationJobs/oa-job", "{\"displayName\":\"Renamed\",\"labels\":{\"team\":\"ops\"}}");
        var token = call("POST", "/v1/tokens?tokenId=oa-token", "{\"role\":\"viewer\",\"expiresIn\":\"30d\"}");
        assertThat(source.status()).as(source.text()).isEqualTo(200);
        assertThat(job.status()).as(job.text()).isEqualTo(200);

        assertValid("/v1/connectionProfiles", "post", source);
        assertValid("/v1/connectionProfiles", "get", call("GET", "/v1/connectionProfiles", null));
        assertValid("/v1/connectionProfiles/{name}", "get", call("GET", "/v1/connectionProfiles/oa-source", null));
        assertValid("/v1/migrationJobs", "post", job);
        assertValid("/v1/migrationJobs/{name}", "patch", patched);
        assertValid("/v1/tokens", "post", token);
        assertThat(patched.body().path("response").path("displayName").asText()).isEqualTo("Renamed");
        assertThat(token.body().path("response").path("token").asText()).startsWith("ferry_");
        assertValid("/v1/migrationJobs/{name}", "get", call("GET", "/v1/migrationJobs/oa-job", null));
        assertValid("/v1/migrationJobs", "get", call("GET", "/v1/migrationJobs", null));
        assertValid("/v1/migrationJobs/{name}/objects", "get", call("GET", "/v1/migrationJobs/oa-job/objects", null));
        assertValid("/v1/migrationJobs/{name}/events", "get", call("GET", "/v1/migrationJobs/oa-job/events", null));
        assertValid("/v1/migrationJobs/{name}/validations", "get", call("GET", "/v1/migrationJobs/oa-job/validations", null));
        assertValid("/v1/operations/{name}", "get", call("GET", "/v1/operations/" + job.body().path("name").asText(), null));
        assertValid("/v1/operations/{name}", "get", call("GET", "/v1/operations/" + source.body().path("name").asText(), null));
        assertValid("/v1/tokens", "get", call("GET", "/v1/tokens", null));
        assertValid("/healthz", "get", call("GET", "/healthz", null));

        // PUT: a plan (validateOnly), then a real create-or-update.
        String declared = jobBody.substring(0, jobBody.length() - 1) + ",\"desiredState\":\"stopped\"}";
        assertValidRequest("/v1/migrationJobs/{name}", "put", declared);
        var jobPlan = call("PUT", "/v1/migrationJobs/oa-job?validateOnly=true", declared);
        assertThat(jobPlan.body().path("plan").path("action").asText()).as(jobPlan.text()).isIn("UPDATE", "UNCHANGED");
        assertValid("/v1/migrationJobs/{name}", "put", jobPlan);
        var profilePlan = call("PUT", "/v1/connectionProfiles/oa-put?validateOnly=true", profileBody());
        assertThat(profilePlan.body().path("plan").path("action").asText()).as(profilePlan.text()).isEqualTo("CREATE");
        assertValid("/v1/connectionProfiles/{name}", "put", profilePlan);
        var put = call("PUT", "/v1/connectionProfiles/oa-put", profileBody());
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertValid("/v1/connectionProfiles/{name}", "put", put);
        assertValid("/v1/migrationJobs/{name}/lagHistory", "get",
                call("GET", "/v1/migrationJobs/oa-job/lagHistory?window=7d", null));
        assertValid("/v1/operations", "get", call("GET", "/v1/operations?limit=5", null));
        assertValid("/v1/sessions/current", "get", call("GET", "/v1/sessions/current", null));
        assertValidRequest("/v1/sessions", "post", "{\"token\":\"ferry_x\"}");

        String limit = "{\"server\":\"DB1.internal:5432\",\"maxConnections\":12}";
        assertValidRequest("/v1/sourceLimits", "put", limit);
        var capped = call("PUT", "/v1/sourceLimits", limit);
        assertThat(capped.status()).as(capped.text()).isEqualTo(200);
        assertValid("/v1/sourceLimits", "put", capped);
        assertThat(capped.body().path("response").path("server").asText()).isEqualTo("db1.internal:5432");
        var limits = call("GET", "/v1/sourceLimits", null);
        assertValid("/v1/sourceLimits", "get", limits);
        assertThat(limits.body().path("sourceServers").get(0).path("maxConnections").asInt()).isEqualTo(12);
        assertThat(call("PUT", "/v1/sourceLimits", "{\"server\":\"db1.internal\",\"maxConnections\":12}").status())
                .as("a server without a port").isEqualTo(400);
    }

    @Test
    void errorAnswersValidateAgainstTheDocumentsErrorSchema() throws Exception {
        var notFound = call("GET", "/v1/migrationJobs/no-such-job", null);
        var badBody = call("POST", "/v1/connectionProfiles?connectionProfileId=broken", "{\"postgresql\": {");
        var illegal = call("POST", "/v1/migrationJobs/no-such-job:stop", null);
        var wrongMethod = call("PUT", "/v1/migrationJobs", "{}");

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(badBody.status()).isEqualTo(400);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertValid("/v1/migrationJobs/{name}", "get", notFound);
        assertValid("/v1/connectionProfiles", "post", badBody);
        assertValid("/v1/migrationJobs/{name}:stop", "post", illegal);
        assertValid("/v1/migrationJobs", "post", wrongMethod);
    }

    @Test
    void aFieldTheDocumentDoesNotKnowFailsValidation() throws Exception {
        call("POST", "/v1/connectionProfiles?connectionProfileId=oa-extra", profileBody());
        var answer = call("GET", "/v1/connectionProfiles/oa-extra", null);
        ((ObjectNode) answer.body()).put("undocumentedField", 1);
        ((ObjectNode) answer.body().path("postgresql")).put("port", "not a number");

        List<Error> errors = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + schemaRef("/v1/connectionProfiles/{name}",
                "get", answer.status()))).validate(answer.body());

        assertThat(errors).extracting(Error::toString).anyMatch(m -> m.contains("undocumentedField"))
                .anyMatch(m -> m.contains("/postgresql/port"));
    }

    /** Validates the answer's body against the schema the document declares for its path, method and status. */
    private static void assertValid(String path, String method, Answer answer) {
        assertThat(document.path("paths").path(path).has(method)).as("%s %s is documented", method, path).isTrue();
        String ref = schemaRef(path, method, answer.status());
        List<Error> errors = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + ref)).validate(answer.body());
        assertThat(errors).as("%s %s answered %d %s, which does not fit %s", method.toUpperCase(Locale.ROOT), path,
                answer.status(), answer.text(), ref).isEmpty();
    }

    /** Validates a request body the server takes against the schema the document declares for it. */
    private static void assertValidRequest(String path, String method, String body) throws IOException {
        JsonNode schema = resolve(document.path("paths").path(path).path(method).path("requestBody")).path("content")
                .path("application/json").path("schema");
        assertThat(schema.path("$ref").asText()).as("%s %s takes a JSON body by reference", method, path)
                .startsWith("#/components/schemas/");
        List<Error> errors = schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + schema.path("$ref").asText()))
                .validate(mapper.readTree(body));
        assertThat(errors).as("the request body of %s %s does not fit the document", method, path).isEmpty();
    }

    /** The {@code #/components/schemas/NAME} of the JSON answer the document declares (its status, else default). */
    private static String schemaRef(String path, String method, int status) {
        JsonNode responses = document.path("paths").path(path).path(method).path("responses");
        JsonNode response = responses.has(Integer.toString(status)) ? responses.path(Integer.toString(status)) : responses.path("default");
        assertThat(response.isMissingNode()).as("%s %s documents status %d or a default", method, path, status).isFalse();
        JsonNode schema = resolve(response).path("content").path("application/json").path("schema");
        assertThat(schema.path("$ref").asText()).as("%s %s %d answers a JSON schema by reference", method, path, status)
                .startsWith("#/components/schemas/");
        return schema.path("$ref").asText();
    }

    /** The node a local {@code $ref} points to, or the node itself. */
    private static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? document.at(ref.substring(1)) : node;
    }

    private static String profileBody() {
        DatabaseConnection superuser = pg.superuser();
        ObjectNode body = mapper.createObjectNode();
        body.put("displayName", "OpenAPI check");
        body.putObject("labels").put("team", "data");
        ObjectNode postgresql = body.putObject("postgresql");
        postgresql.put("host", superuser.host()).put("port", superuser.port()).put("username", superuser.username())
                .put("password", superuser.password() == null ? "not-needed-but-secret-7f3a" : superuser.password().reveal());
        return body.toString();
    }
}
