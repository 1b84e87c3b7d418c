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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secure by default, through the API: managed-instance flags outside the allowlist, hosts that are not host names or
 * addresses, and host changes without the password are refused with 400 and change nothing; with the password,
 * the new host gets the new password only.
 */
@Timeout(120)
class ProfileSafetyApiIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @TempDir
    static Path home;

    private static final ObjectMapper mapper = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final AtomicInteger names = new AtomicInteger();

    private static Store store;
    private static ControlPlane control;
    private static ApiServer server;
    private static String admin;

    @BeforeAll
    static void startServer() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC());
        admin = control.tokens().bootstrapAdmin().orElseThrow().secret();
        server = new ApiServer(ServerConfig.local(0), control, Clock.systemUTC());
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        control.close();
        store.close();
    }

    record Answer(int status, JsonNode body) {}

    private static Answer call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + admin).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : mapper.readTree(response.body()));
    }

    private static String newName() {
        return "p" + names.incrementAndGet();
    }

    @ParameterizedTest
    @CsvSource({
        "postgresql, archive_command", "postgresql, restore_command", "postgresql, shared_preload_libraries",
        "postgresql, local_preload_libraries", "postgresql, session_preload_libraries", "postgresql, listen_addresses",
        "postgresql, hba_file", "postgresql, ident_file", "postgresql, data_directory", "postgresql, config_file",
        "postgresql, ssl_cert_file", "postgresql, ssl_key_file", "postgresql, ssl_ca_file", "postgresql, log_directory",
        "postgresql, dynamic_library_path", "postgresql, unix_socket_directories", "postgresql, port",
        "mysql, init-file", "mysql, skip-grant-tables", "mysql, bind-address", "mysql, plugin-load",
        "mysql, plugin-load-add", "mysql, plugin-dir", "mysql, secure-file-priv", "mysql, datadir", "mysql, socket",
        "mysql, port", "mysql, init_connect", "mysql, general_log_file", "mysql, user",
        "postgresql, no_such_setting", "mysql, no_such_variable"})
    void aManagedInstanceFlagOutsideTheAllowlistIs400NamingItAndNothingIsCreated(String engine, String flag) throws Exception {
        String name = newName();
        ObjectNode body = mapper.createObjectNode();
        ObjectNode managed = body.putObject("managedInstance").put("engine", engine);
        managed.putObject("databaseFlags").put("max_connections", "50").put(flag, "x");

        Answer answer = call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(answer.body().path("message").asText()).contains("'" + flag + "' is not allowed").contains("Allowed: ");
        assertThat(call("GET", "/v1/connectionProfiles/" + name, null).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"db:5433", "db.example:5433/shop", "db?sslmode=disable", "db&sslmode=disable",
            "host:5433/db?sslmode=disable&x=1", "db=1", "two words", "db/x", "[::1]:5432", "-db", ""})
    void aHostThatIsNotAHostNameOrAnAddressIs400(String host) throws Exception {
        String name = newName();
        ObjectNode body = mapper.createObjectNode();
        body.putObject("postgresql").put("host", host).put("port", 5432).put("username", "app").put("password", "pw");

        Answer answer = call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(call("GET", "/v1/connectionProfiles/" + name, null).status()).isEqualTo(404);
    }

    @Test
    void hostNamesAndAddressesAreAccepted() {
        for (String host : List.of("db.example.com", "db-1", "10.0.0.7", "::1", "[::1]", "fe80::1", "my_db")) {
            assertThat(new DatabaseConnection(dev.ferry.core.model.EngineKind.POSTGRESQL, host, 5432, "app", null, null,
                    (String) null).host()).isEqualTo(host.replace("[", "").replace("]", ""));
        }
    }

    @Test
    void changingTheHostNeedsThePasswordAndTheNewHostGetsTheNewPasswordOnly() throws Exception {
        DatabaseConnection superuser = pg.superuser();
        String name = newName();
        ObjectNode create = mapper.createObjectNode();
        create.putObject("postgresql").put("host", superuser.host()).put("port", superuser.port())
                .put("username", superuser.username()).put("password", superuser.password().reveal())
                .putObject("ssl").put("mode", "disable");
        assertThat(call("POST", "/v1/connectionProfiles?connectionProfileId=" + name, create).status()).isEqualTo(200);

        try (var elsewhere = new PasswordCatcher()) {
            ObjectNode move = mapper.createObjectNode();
            move.putObject("postgresql").put("host", "localhost").put("port", elsewhere.port());

            Answer refused = call("PATCH", "/v1/connectionProfiles/" + name, move);

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().path("code").asText()).isEqualTo("INVALID_ARGUMENT");
            assertThat(refused.body().path("message").asText()).contains("host, port").contains("password again");
            assertThat(elsewhere.connections()).as("nothing was sent to the new host").isZero();
            JsonNode kept = call("GET", "/v1/connectionProfiles/" + name, null).body().path("postgresql");
            assertThat(kept.path("host").asText()).isEqualTo(superuser.host());
            assertThat(kept.path("port").asInt()).isEqualTo(superuser.port());

            ((ObjectNode) move.path("postgresql")).put("password", "the-new-password");
            call("PATCH", "/v1/connectionProfiles/" + name, move);

            assertThat(elsewhere.passwords()).containsOnly("the-new-password").isNotEmpty();
        }
    }

    /**
     * A PostgreSQL look-alike that asks for the password in clear text, records it and refuses the login: what a
     * server at a new host would learn.
     */
    static final class PasswordCatcher implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final List<String> passwords = new CopyOnWriteArrayList<>();
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor = Thread.ofVirtual().start(this::serve);

        PasswordCatcher() throws IOException {}

        int port() {
            return socket.getLocalPort();
        }

        List<String> passwords() {
            return passwords;
        }

        int connections() {
            return connections.get();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (var client = socket.accept()) {
                    connections.incrementAndGet();
                    var in = new DataInputStream(client.getInputStream());
                    var out = new DataOutputStream(client.getOutputStream());
                    int length = in.readInt();
                    int code = in.readInt();
                    if (code == 80877103 || code == 80877104) {
                        out.write('N');
                        out.flush();
                        length = in.readInt();
                        code = in.readInt();
                    }
                    in.readFully(new byte[length - 8]);
                    out.write('R');
                    out.writeInt(8);
                    out.writeInt(3);
                    out.flush();
                    if (in.readByte() == 'p') {
                        byte[] message = new byte[in.readInt() - 4];
                        in.readFully(message);
                        passwords.add(new String(message, 0, message.length - 1, StandardCharsets.UTF_8));
                    }
                    byte[] error = "SFATAL\0C28P01\0Mpassword authentication failed\0\0".getBytes(StandardCharsets.UTF_8);
                    out.write('E');
                    out.writeInt(error.length + 4);
                    out.write(error);
                    out.flush();
                } catch (IOException e) {
                    // The client hung up, or the catcher is closing.
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
