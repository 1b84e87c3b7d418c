package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.testkit.LocalPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class FerryCommandIT {
    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @TempDir
    static Path dir;

    private static final AtomicInteger names = new AtomicInteger();
    private static final String FALLBACK_PASSWORD = "not-needed-but-secret-c41d";
    private static Wiring wiring;
    private static ApiServer server;
    private static Path passwordFile;

    @BeforeAll
    static void startServer() throws IOException {
        wiring = Wiring.open(dir.resolve("home"));
        AdminTokenFile.write(AdminTokenFile.in(wiring.home()), wiring.control().tokens().bootstrapAdmin().orElseThrow().secret());
        server = new ApiServer(ServerConfig.local(0), wiring.control());
        server.start();
        passwordFile = Files.writeString(dir.resolve("password.txt"), password() + "\n");
    }

    @AfterAll
    static void stopServer() {
        server.close();
        wiring.close();
    }


    private static CliRun ferry(String... args) {
        return CliRun.ferry(args);
    }

    private static CliRun client(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--server");
        all.add(server.uri().toString());
        all.add("--home");
        all.add(wiring.home().toString());
        return ferry(all.toArray(String[]::new));
    }

    private static String password() {
        DatabaseConnection superuser = pg.superuser();
        return superuser.password() == null ? FALLBACK_PASSWORD : superuser.password().reveal();
    }

    private static String createProfile() {
        String name = "cli-" + names.incrementAndGet();
        DatabaseConnection superuser = pg.superuser();
        CliRun created = client("connection-profiles", "create", name, "--engine", "postgresql",
                "--host", superuser.host(), "--port", String.valueOf(superuser.port()),
                "--username", superuser.username(), "--password-file", passwordFile.toString(), "--label", "team=data");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created connection profile " + name);
        return name;
    }

    @Test
    void createsAProfileThenListsAndDescribesIt() throws IOException {
        String name = createProfile();

        CliRun list = client("connection-profiles", "list");
        CliRun json = client("connection-profiles", "describe", name, "--format", "json");
        CliRun table = client("connection-profiles", "describe", name);

        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("NAME").containsPattern(name + "\\s+postgresql\\s+existing\\s+\\S+\\s+READY");
        assertThat(json.exit()).isZero();
        JsonNode profile = new ObjectMapper().readTree(json.out());
        assertThat(profile.path("name").asText()).isEqualTo(name);
        assertThat(profile.path("postgresql").path("passwordSet").asBoolean()).isTrue();
        assertThat(profile.path("labels").path("team").asText()).isEqualTo("data");
        assertThat(table.out()).contains("Password:").contains("set (never shown)");
        for (CliRun result : List.of(list, json, table)) {
            assertThat(result.out() + result.err()).doesNotContain(password());
        }
    }

    @Test
    void globalOptionsWorkBeforeBetweenAndAfterTheSubcommands() throws IOException {
        String name = createProfile();
        String url = server.uri().toString();
        String home = wiring.home().toString();

        CliRun first = ferry("--server", url, "--home", home, "--format", "json", "connection-profiles", "list");
        CliRun between = ferry("connection-profiles", "--server", url, "--format", "json", "list", "--home", home);
        CliRun last = ferry("connection-profiles", "list", "--server", url, "--home", home, "--format", "json");

        for (CliRun result : List.of(first, between, last)) {
            assertThat(result.exit()).as(result.err()).isZero();
            JsonNode profiles = new ObjectMapper().readTree(result.out()).path("connectionProfiles");
            assertThat(profiles.findValuesAsText("name")).contains(name);
        }
    }

    @Test
    void rotateKeyKeepsEveryProfileUsable() throws IOException {
        String first = createProfile();
        String second = createProfile();
        Path keyFile = wiring.home().resolve("secret.key");
        String keysBefore = Files.readString(keyFile);

        CliRun rotated = client("secrets", "rotate-key");

        assertThat(rotated.exit()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("Key rotated").contains("old key is retired");
        assertThat(Files.readString(keyFile)).isNotEqualTo(keysBefore);
        for (String name : List.of(first, second)) {
            var connection = wiring.control().profiles().get(name).connection();
            assertThat(connection.password().reveal()).isEqualTo(password());
            dev.ferry.control.registry.EngineRegistry.load().get(connection.engine()).probe(connection);
        }
        CliRun described = client("connection-profiles", "describe", first);
        assertThat(described.exit()).as(described.err()).isZero();
    }

    @Test
    void describingAnUnknownProfileExitsWith2() {
        CliRun result = client("connection-profiles", "describe", "no-such-profile");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Error: Connection profile no-such-profile not found");
    }

    @Test
    void aClientWithoutAServerExitsWith1AndSaysHowToStartOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        CliRun result = ferry("connection-profiles", "list", "--server", url);

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("No Ferry server answers at " + url + "; start one with: ferry server");
    }

    @Test
    void aBadOptionValueIsAUsageErrorWithExitCode2() {
        CliRun result = client("connection-profiles", "create", "x", "--engine", "oracle", "--host", "h", "--username", "u");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown engine 'oracle'");
    }

    @Test
    void createsAJobListsItAndRefusesAVerbIllegalInItsState() {
        String source = createProfile();
        String destination = createProfile();
        String job = "cli-job-" + names.incrementAndGet();

        CliRun created = client("migration-jobs", "create", job, "--type", "one-time", "--source", source,
                "--destination", destination, "--include", "nothing-here");
        CliRun list = client("migration-jobs", "list");
        CliRun stop = client("migration-jobs", "stop", job);

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created migration job " + job);
        assertThat(list.out()).containsPattern(job + "\\s+ONE_TIME\\s+" + source + "\\s+" + destination + "\\s+NOT_STARTED");
        assertThat(stop.exit()).isEqualTo(1);
        assertThat(stop.err()).contains("NOT_STARTED");
    }

    @Test
    void createsAContinuousJobWithApplyPartitionsAndDescribesThem() throws IOException {
        String source = createProfile();
        String destination = createProfile();
        String job = "cli-job-" + names.incrementAndGet();

        CliRun created = client("migration-jobs", "create", job, "--type", "continuous", "--source", source,
                "--destination", destination, "--include", "nothing-here", "--apply-partitions", "3");
        CliRun described = client("migration-jobs", "describe", job);
        CliRun json = client("migration-jobs", "describe", job, "--format", "json");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(described.out()).containsPattern("Apply partitions:\\s+3\\n").doesNotContain("Pipeline of");
        assertThat(new ObjectMapper().readTree(json.out()).path("performanceConfig").path("applyPartitions").asInt())
                .isEqualTo(3);
    }

    @Test
    void describesTheOperationOfACreate() throws IOException {
        String name = "cli-" + names.incrementAndGet();
        DatabaseConnection superuser = pg.superuser();
        CliRun created = client("connection-profiles", "create", name, "--engine", "postgresql", "--host", superuser.host(),
                "--port", String.valueOf(superuser.port()), "--username", superuser.username(),
                "--password-file", passwordFile.toString(), "--format", "json");
        String operation = new ObjectMapper().readTree(created.out()).path("name").asText();

        CliRun described = client("operations", "describe", operation);

        assertThat(described.exit()).isZero();
        assertThat(described.out()).contains("Verb:").contains("create").contains("Target:").contains(name)
                .containsPattern("Done:\\s+yes");
    }
}
