package dev.ferry.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.testkit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real {@code ferry server} processes sharing one PostgreSQL store, each a node with its own home (the first node's
 * key file copied into the others before they start) and its own port. {@link #close} ends every process it started,
 * a frozen one (SIGSTOP) continued first, so a failing test leaves none behind. Homes stay under
 * {@code target/ferry-nodes} for reading the logs after a failure.
 */
final class FerryNodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FerryNodes.class);
    private static final String PASSWORD_VARIABLE = "FERRY_STORE_PASSWORD";

    private final Path root;
    private final TestDatabase store;
    private final Duration leaseTimeout;
    private final List<Node> nodes = new ArrayList<>();

    /** One server process: its name, home, port and the OS process itself (the JVM, no wrapper in between). */
    record Node(String name, Path home, int port, Process process) {
        long pid() {
            return process.pid();
        }

        String api() {
            return "http://127.0.0.1:" + port;
        }

        /** The node's log file ({@code HOME/logs/server.log}) as it is now; empty before the first line. */
        String log() throws IOException {
            Path file = home.resolve("logs").resolve("server.log");
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }

        /** SIGKILL: the process dies at once, without handing anything over. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node %s (pid %d) did not die of SIGKILL".formatted(name, pid()));
            }
        }

        /** SIGSTOP: the process is frozen, its sockets open, until {@link #thaw}. */
        void freeze() throws IOException, InterruptedException {
            signal("STOP");
        }

        /** SIGCONT: a frozen process runs again from where it stopped. */
        void thaw() throws IOException, InterruptedException {
            signal("CONT");
        }

        private void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -%s %d failed".formatted(signal, pid()));
            }
        }
    }

    /** Nodes sharing {@code store} (an empty database), each taking a job over after {@code leaseTimeout}. */
    FerryNodes(String test, TestDatabase store, Duration leaseTimeout) throws IOException {
        this.root = Files.createDirectories(Path.of("target", "ferry-nodes", test + "-" + System.currentTimeMillis()))
                .toAbsolutePath();
        this.store = store;
        this.leaseTimeout = leaseTimeout;
    }

    /**
     * Starts one node per name: the first alone (it creates the store's schema, the key file and the admin token),
     * then the others at once with the first one's key file; returns once every node answers {@code /healthz}.
     */
    List<Node> start(String... names) throws IOException {
        List<Node> started = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            started.add(launch(names[i]));
            if (i == 0) {
                awaitHealthy(started.getFirst());
            }
        }
        started.forEach(FerryNodes::awaitHealthy);
        log.atInfo().addKeyValue("nodes", started.stream().map(n -> n.name() + "=" + n.pid()).toList())
                .addKeyValue("root", root).log("ferry server processes started");
        return started;
    }

    private Node launch(String name) throws IOException {
        Path home = Files.createDirectories(root.resolve(name));
        if (!nodes.isEmpty()) {
            Files.copy(nodes.getFirst().home().resolve("secret.key"), home.resolve("secret.key"),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        int port = freePort();
        DatabaseConnection c = store.connection();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.ferry.cli.Main",
                "server", "--home", home.toString(), "--port", String.valueOf(port),
                "--store-url", store.jdbcUrl(), "--store-user", c.username(), "--store-password-env", PASSWORD_VARIABLE,
                "--node-name", name, "--lease-timeout", leaseTimeout.toSeconds() + "s", "--max-jobs", "16")
                .redirectErrorStream(true).redirectOutput(home.resolve("server.out").toFile());
        builder.environment().put(PASSWORD_VARIABLE, c.password().reveal());
        Node node = new Node(name, home, port, builder.start());
        nodes.add(node);
        return node;
    }

    private static void awaitHealthy(Node node) {
        ApiClient open = ApiClient.of(node.api());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            if (!node.process().isAlive()) {
                throw new AssertionError("node %s exited with %d; see %s".formatted(node.name(), node.process().exitValue(),
                        node.home().resolve("server.out")));
            }
            return open.get("/healthz").path("status").asText().equals("ok");
        });
    }

    /** An admin client of {@code node}, with the token the first node wrote to its home. */
    ApiClient client(Node node) {
        String token = AdminTokenFile.read(AdminTokenFile.in(nodes.getFirst().home())).orElseThrow();
        return ApiClient.of(node.api(), token, null);
    }

    /** The node holding the job's lease now, with the lease's epoch; empty when no node holds it. */
    static Optional<Lease> lease(ApiClient client, String job) {
        JsonNode lease = client.get("/v1/migrationJobs/" + job).path("lease");
        return lease.isMissingNode() || lease.isNull() ? Optional.empty()
                : Optional.of(new Lease(lease.path("node").asText(), lease.path("epoch").asLong()));
    }

    record Lease(String node, long epoch) {}

    /** Which node runs each job, from {@code GET /v1/nodes}. */
    static Map<String, String> owners(ApiClient client) {
        Map<String, String> owners = new HashMap<>();
        for (JsonNode node : client.get("/v1/nodes").path("nodes")) {
            node.path("jobs").forEach(job -> owners.put(job.asText(), node.path("name").asText()));
        }
        return owners;
    }

    /** Creates connection profile {@code name} to {@code c} (its database, when given, the only one migrated). */
    static void profile(ApiClient client, String name, DatabaseConnection c, String database) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode conn = body.putObject(c.engine().id());
        conn.put("host", c.host()).put("port", c.port()).put("username", c.username()).put("password", c.password().reveal());
        if (database != null) {
            conn.put("database", database);
        }
        client.post("/v1/connectionProfiles?connectionProfileId=" + name, body);
    }

    /** Creates and starts continuous job {@code name} from profile {@code source} to profile {@code destination}. */
    static void startContinuousJob(ApiClient client, String name, String source, String destination) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", "CONTINUOUS").put("source", source).put("destination", destination);
        body.putObject("performanceConfig").put("parallelism", 2);
        client.post("/v1/migrationJobs?migrationJobId=" + name, body);
        client.post("/v1/migrationJobs/" + name + ":start", JsonNodeFactory.instance.objectNode());
    }

    /** Whether the job replicates: RUNNING in CDC or READY_FOR_PROMOTE; fails at once when it FAILED or stopped. */
    static boolean replicating(ApiClient client, String job) {
        JsonNode j = client.get("/v1/migrationJobs/" + job);
        String state = j.path("state").asText();
        if (state.equals("FAILED") || state.equals("STOPPED")) {
            throw new AssertionError("job %s is %s: %s".formatted(job, state, j.path("error")));
        }
        String phase = j.path("phase").asText();
        return state.equals("RUNNING") && (phase.equals("CDC") || phase.equals("READY_FOR_PROMOTE"));
    }

    /** Asks for the job's promotion; {@link #awaitCompleted} waits for it. */
    static void promote(ApiClient client, String job) {
        client.post("/v1/migrationJobs/" + job + ":promote", JsonNodeFactory.instance.objectNode());
    }

    /** Waits until the job is COMPLETED; fails when it FAILED. */
    static void awaitCompleted(ApiClient client, String job, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode j = client.get("/v1/migrationJobs/" + job);
            String state = j.path("state").asText();
            if (state.equals("FAILED")) {
                throw new AssertionError("job %s failed: %s".formatted(job, j.path("error")));
            }
            return state.equals("COMPLETED");
        });
    }

    /** A TCP port free on this machine now. */
    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Logs the last {@code lines} lines of every node's log, stack frames left out: called when a test fails. */
    void dumpLogs(int lines) {
        for (Node node : nodes) {
            try {
                List<String> kept = node.log().lines().filter(l -> !l.startsWith("\t") && !l.startsWith("Caused by")).toList();
                log.atError().addKeyValue("node", node.name()).addKeyValue("pid", node.pid())
                        .log("the node's last log lines:\n" + String.join("\n", kept.subList(Math.max(0, kept.size() - lines), kept.size())));
            } catch (IOException e) {
                log.atWarn().addKeyValue("node", node.name()).addKeyValue("error", e.getMessage()).log("could not read the node's log");
            }
        }
    }

    /** Continues frozen nodes, then kills every process still alive. */
    @Override
    public void close() {
        for (Node node : nodes) {
            if (!node.process().isAlive()) {
                continue;
            }
            try {
                node.thaw();
            } catch (IOException | RuntimeException e) {
                log.atWarn().addKeyValue("node", node.name()).addKeyValue("error", e.getMessage())
                        .log("could not continue the node before killing it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            node.process().destroyForcibly();
        }
        for (Node node : nodes) {
            try {
                node.process().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
