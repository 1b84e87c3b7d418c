package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.cli.client.AdminTokenFile;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.job.JobRequest;
import dev.ferry.control.node.NodeState;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.control.runner.JobLeases;
import dev.ferry.control.runner.Runners;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobLease;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.server.ApiServer;
import dev.ferry.server.ServerConfig;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.LeaseLost;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several Ferry nodes in this JVM sharing one PostgreSQL store: a continuous job runs on exactly one of them, moves to
 * another within the lease timeout when its node stops heart-beating, and the node that lost it can no longer write
 * the job's checkpoints; a drained node hands its job over; the nodes share one secret key; a job on a managed instance
 * stays on the node that created it.
 */
class SharedStoreNodesIT {
    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(6);

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    private final List<Node> nodes = new ArrayList<>();

    /** One Ferry server: its own home (with the key file every node shares), the shared store, its control plane. */
    private record Node(String name, Path home, JdbcStore store, ControlPlane control, List<AutoCloseable> extras) {
        void close() {
            for (AutoCloseable extra : extras) {
                try {
                    extra.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + extra + " failed", e);
                }
            }
            control.close();
            store.close();
        }

        /** Serves this node's API on a free port, the first admin token of the shared store written to its home. */
        ApiServer serve() {
            control.tokens().bootstrapAdmin().ifPresent(issued -> AdminTokenFile.write(AdminTokenFile.in(home), issued.secret()));
            ApiServer server = new ApiServer(ServerConfig.local(0), control);
            server.start();
            extras.add(server);
            return server;
        }

        /** The CLI against {@code server}, with this node's home (for the admin token). */
        String ferry(ApiServer server, String... args) {
            List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--home", home.toString()));
            all.addAll(List.of(args));
            var out = new java.io.StringWriter();
            var err = new java.io.StringWriter();
            var command = dev.ferry.cli.FerryCommand.commandLine();
            command.setOut(new java.io.PrintWriter(out, true));
            command.setErr(new java.io.PrintWriter(err, true));
            int exit = command.execute(all.toArray(String[]::new));
            assertThat(exit).as("ferry %s: %s", String.join(" ", args), err).isZero();
            return out.toString();
        }
    }

    private Node node(String name, TestDatabase storeDb, Path key) throws Exception {
        return node(name, storeDb, key, config -> config);
    }

    private Node node(String name, TestDatabase storeDb, Path key, UnaryOperator<StoreConfig> keyChoice) throws Exception {
        Path home = Files.createTempDirectory("ferry-node-" + name);
        if (key != null) {
            Files.copy(key, home.resolve("secret.key"), StandardCopyOption.COPY_ATTRIBUTES);
        }
        JdbcStore store = JdbcStore.open(keyChoice.apply(storeConfig(home, storeDb)));
        var settings = new JobLeases.Settings(name, "http://127.0.0.1:0", "test", LEASE_TIMEOUT, 4);
        var control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC(),
                new Runners.Cluster(settings, store.openSidePool("ferry-leases-" + name, 5)));
        control.recover();
        Node node = new Node(name, home, store, control, new ArrayList<>());
        nodes.add(node);
        return node;
    }

    private static StoreConfig storeConfig(Path home, TestDatabase storeDb) {
        DatabaseConnection c = storeDb.connection();
        return new StoreConfig(home, storeDb.jdbcUrl(), c.username(), c.password());
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Node::close);
    }

    /** The smallest lease epoch the job's apply partitions recorded on the destination (-1 before any). */
    private static long destinationEpoch(TestDatabase source) throws java.sql.SQLException {
        var value = Sql.one(destination.superuser(), source.name(),
                "SELECT coalesce(min(epoch), -1) FROM ferry.replication_progress");
        return Long.parseLong(value);
    }

    /** A source database with table {@code account} holding {@code rows} rows. */
    private static TestDatabase bank(int rows) {
        TestDatabase bank = pg.freshDatabase();
        bank.execute("CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2))",
                "INSERT INTO account (owner, balance) SELECT 'o' || g, g FROM generate_series(1, %d) g".formatted(rows));
        return bank;
    }

    /** Creates profiles src and dst and a continuous job from {@code source} to the destination server, and starts it. */
    private static void startContinuousJob(Node node, String name, TestDatabase source) {
        node.control().profiles().create(new ProfileRequest("src", null, null, source.connection()), null);
        node.control().profiles().create(new ProfileRequest("dst", null, null, destination.superuser()), null);
        node.control().jobs().create(new JobRequest(name, null, null, JobType.CONTINUOUS, "src", "dst",
                ObjectsConfig.ALL, new PerformanceConfig(2)), null);
        node.control().jobs().start(name, false, null);
    }

    /**
     * Lets the writer write on under the job's present owner, stops it, waits for the job to replicate again, then
     * promotes it and compares (see {@link #promoteAndCompare}).
     */
    private static void finishOn(Node node, String name, TestDatabase source, AtomicBoolean stop, AtomicLong writes,
            Thread writer) throws Exception {
        long resumedWrites = writes.get() + 300;
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > resumedWrites);
        stop.set(true);
        writer.join();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var job = node.control().jobs().get(name);
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.state() == JobState.RUNNING && (job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE);
        });
        promoteAndCompare(node, name, source);
    }

    /** Promotes the job through {@code node}, then every table of the destination equals the source's. */
    private static void promoteAndCompare(Node node, String name, TestDatabase source) throws java.sql.SQLException {
        node.control().jobs().promote(name, null);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                EnumSet.of(JobState.COMPLETED, JobState.FAILED).contains(node.control().jobs().get(name).state()));
        var job = node.control().jobs().get(name);
        assertThat(job.state()).as("error: %s", job.error()).isEqualTo(JobState.COMPLETED);
        DatabaseConnection dst = destination.superuser();
        for (String table : Sql.pgTables(source.connection(), source.name())) {
            assertThat(Sql.pgTableHash(dst, source.name(), table)).as(table)
                    .isEqualTo(Sql.pgTableHash(source.connection(), source.name(), table));
        }
    }

    /** Waits until the job replicates (CDC or ready for promotion), failing at once if it fails or stops. */
    private static void awaitReplicating(Node node, String name) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            var job = node.control().jobs().get(name);
            assertThat(job.state()).as("error: %s", job.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
            return job.phase() == Phase.CDC || job.phase() == Phase.READY_FOR_PROMOTE;
        });
    }

    private static NodeState state(Node asking, String node) {
        return asking.control().nodes().list().stream().filter(s -> s.node().name().equals(node)).findFirst()
                .orElseThrow().state();
    }

    private static Optional<JobLease> lease(Node node, String job) {
        return node.control().nodes().lease(job);
    }

    @Test
    @Timeout(300)
    void aJobMovesToAnotherNodeWhenItsNodeStopsHeartBeatingAndTheOldOwnerIsFenced() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase bank = bank(2000);
        Node first = node("node-a", storeDb, null);
        Node second = node("node-b", storeDb, first.home().resolve("secret.key"));
        assertThat(first.control().nodes().list()).extracting(s -> s.node().name()).containsExactly("node-a", "node-b");

        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = FaultsContract.writer(bank, stop, writes);
        startContinuousJob(first, "fleet", bank);
        awaitReplicating(second, "fleet");
        JobLease before = lease(second, "fleet").orElseThrow();
        Node owner = before.node().equals("node-a") ? first : second;
        Node survivor = owner == first ? second : first;
        assertThat(survivor.control().nodes().list()).filteredOn(s -> s.node().name().equals(owner.name()))
                .singleElement().satisfies(s -> assertThat(s.jobs()).containsExactly("fleet"));
        long moreWrites = writes.get() + 300;
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > moreWrites);

        // The owner stops heart-beating and its runner ends, as if its process died; its lease is not handed over.
        long abandoned = System.nanoTime();
        owner.control().abandon();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> lease(survivor, "fleet")
                .filter(l -> l.node().equals(survivor.name()) && l.epoch() > before.epoch()).isPresent());
        assertThat(Duration.ofNanos(System.nanoTime() - abandoned)).isLessThan(Duration.ofSeconds(30));
        JobLease after = lease(survivor, "fleet").orElseThrow();

        // The abandoned node shows as DEAD; it can be forgotten, a live node cannot.
        await().atMost(Duration.ofSeconds(30)).until(() -> state(survivor, owner.name()) == NodeState.DEAD);
        assertThatThrownBy(() -> owner.control().nodes().forget(survivor.name())).isInstanceOf(FerryException.class)
                .hasMessageContaining("only a dead node can be forgotten");
        survivor.control().nodes().forget(owner.name());
        assertThat(survivor.control().nodes().list()).extracting(s -> s.node().name()).containsExactly(survivor.name());

        // Fencing: a checkpoint write carrying the old owner's lease is refused, and nothing is written.
        assertThatThrownBy(() -> owner.store().fenced(before).putCheckpoint("fleet", "stale", "write"))
                .isInstanceOf(FerryException.class).satisfies(e -> assertThat(LeaseLost.in(e)).isTrue())
                .hasMessageContaining("node %s holds it now with epoch %d".formatted(survivor.name(), after.epoch()));
        assertThat(survivor.store().checkpoint("fleet", "stale")).isEmpty();

        finishOn(survivor, "fleet", bank, stop, writes, writer);
        assertThat(survivor.control().nodes().lease("fleet")).as("the lease ends with the job").isEmpty();
    }

    @Test
    @Timeout(120)
    void aRequestIdSentToTwoNodesAtOnceMakesOneOperationAndAnOlderNodeRefusesANewerSchema() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase bank = pg.freshDatabase();
        Node first = node("node-a", storeDb, null);
        Node second = node("node-b", storeDb, first.home().resolve("secret.key"));
        for (int round = 0; round < 5; round++) {
            String requestId = "same-request-" + round;
            var request = new ProfileRequest("src-" + round, null, null, bank.connection());
            var fromFirst = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> first.control().profiles().create(request, requestId));
            var fromSecond = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> second.control().profiles().create(request, requestId));
            assertThat(fromFirst.get().name()).as("round %d", round).isEqualTo(fromSecond.get().name());
        }
        assertThat(first.control().profiles().list()).hasSize(5);

        // A newer Ferry migrated the store: this one does not start on it.
        try (Connection c = storeDb.open()) {
            c.createStatement().execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, "
                    + "script, checksum, installed_by, installed_on, execution_time, success) VALUES (999, '999', 'future', "
                    + "'SQL', 'V999__future.sql', 0, 'test', now(), 0, true)");
        }
        Path home = Files.createTempDirectory("ferry-node-old");
        Files.copy(first.home().resolve("secret.key"), home.resolve("secret.key"), StandardCopyOption.COPY_ATTRIBUTES);
        DatabaseConnection c = storeDb.connection();
        assertThatThrownBy(() -> JdbcStore.open(new StoreConfig(home, storeDb.jdbcUrl(), c.username(), c.password())))
                .isInstanceOf(FerryException.class).hasMessageContaining("has schema version 999, newer than this Ferry knows");
    }

    @Test
    @Timeout(300)
    void aRunnerWhoseLeaseMovedDropsTheJobWithoutRecordingAnythingAndTheJobGoesOn() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase bank = bank(1000);
        Node first = node("node-a", storeDb, null);
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = FaultsContract.writer(bank, stop, writes);
        startContinuousJob(first, "frozen", bank);
        await().atMost(Duration.ofSeconds(120)).until(() -> first.control().jobs().get("frozen").phase() == Phase.CDC
                || first.control().jobs().get("frozen").phase() == Phase.READY_FOR_PROMOTE);
        JobLease before = lease(first, "frozen").orElseThrow();

        // As if node-a froze past its lease and a node now gone took the job over: the lease moves under node-a.
        try (Connection c = storeDb.open()) {
            c.createStatement().executeUpdate("UPDATE job_leases SET picked_by = 'node-gone', version = version + 1, "
                    + "last_heartbeat = now() WHERE task_instance = 'frozen'");
        }
        // node-a notices, its runner drops the job and records nothing; the job stays RUNNING throughout.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
                () -> first.store().fenced(before).putCheckpoint("frozen", "stale", "write"))
                .satisfies(e -> assertThat(LeaseLost.in(e)).isTrue()));
        // node-gone never heart-beats: its lease expires, and a node (node-a, alive) resumes the job.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> lease(first, "frozen")
                .filter(l -> l.node().equals("node-a") && l.epoch() > before.epoch() + 1).isPresent());
        assertThat(first.control().jobs().get("frozen").state()).isEqualTo(JobState.RUNNING);
        assertThat(first.control().jobs().events("frozen", 1000)).extracting(dev.ferry.core.model.JobEvent::message)
                .noneMatch(m -> m.contains("failed") || m.contains("stopped"));

        // The destination's progress rows carry the new owner's epoch, so a commit of the old owner would be refused.
        JobLease retaken = lease(first, "frozen").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> destinationEpoch(bank) == retaken.epoch());

        // Stopped and resumed, the job runs under a greater epoch still, which the destination accepts.
        first.control().jobs().stop("frozen", null);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.control().jobs().get("frozen").state() == JobState.STOPPED);
        await().atMost(Duration.ofSeconds(10)).until(() -> lease(first, "frozen").isEmpty());
        first.control().jobs().resume("frozen", false, null);
        await().atMost(Duration.ofSeconds(60)).until(() -> lease(first, "frozen")
                .filter(l -> l.epoch() > retaken.epoch()).isPresent());
        JobLease resumed = lease(first, "frozen").orElseThrow();
        long moreWrites = writes.get() + 300;
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > moreWrites);
        await().atMost(Duration.ofSeconds(30)).until(() -> destinationEpoch(bank) == resumed.epoch());
        stop.set(true);
        writer.join();
        promoteAndCompare(first, "frozen", bank);
    }

    @Test
    @Timeout(300)
    void aDrainedNodeHandsItsJobToAnotherWithoutLosingOrRepeatingAChangeAndShowsDrained() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase bank = bank(2000);
        Node first = node("node-a", storeDb, null);
        assertThatThrownBy(() -> first.control().nodes().drain("node-a", false)).isInstanceOf(FerryException.class)
                .hasMessageContaining("no other live node takes jobs");
        Node second = node("node-b", storeDb, first.home().resolve("secret.key"));

        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        Thread writer = FaultsContract.writer(bank, stop, writes);
        startContinuousJob(first, "drained", bank);
        awaitReplicating(first, "drained");
        JobLease before = lease(first, "drained").orElseThrow();
        Node owner = before.node().equals("node-a") ? first : second;
        Node other = owner == first ? second : first;
        long moreWrites = writes.get() + 300;
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > moreWrites);
        assertThat(owner.control().nodes().thisNode().orElseThrow().jobsHeld()).isEqualTo(1);

        // Drained through the other node's API and CLI: the owner hands the job over within a heartbeat or two.
        ApiServer api = other.serve();
        String drained = other.ferry(api, "nodes", "drain", owner.name());
        assertThat(drained).contains("Node " + owner.name() + " is DRAINING");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> lease(other, "drained")
                .filter(l -> l.node().equals(other.name()) && l.epoch() > before.epoch()).isPresent());
        await().atMost(Duration.ofSeconds(30)).until(() -> state(other, owner.name()) == NodeState.DRAINED);
        assertThat(other.ferry(api, "nodes", "list")).containsPattern(owner.name() + " +DRAINED")
                .containsPattern(other.name() + " +ALIVE");
        assertThat(owner.control().nodes().thisNode().orElseThrow()).satisfies(f -> {
            assertThat(f.draining()).isTrue();
            assertThat(f.jobsHeld()).isZero();
        });
        assertThat(first.control().jobs().events("drained", 1000)).extracting(dev.ferry.core.model.JobEvent::message)
                .noneMatch(m -> m.contains("failed") || m.contains("stopped"));

        // Metrics: the node's own figures and every node's heartbeat age and state.
        String metrics = metrics(api, other.home());
        assertThat(metrics).contains("ferry_node_jobs_held{node=\"%s\"} 1.0".formatted(other.name()))
                .contains("ferry_node_max_jobs{node=\"%s\"} 4.0".formatted(other.name()))
                .contains("ferry_node_draining{node=\"%s\"} 0.0".formatted(other.name()))
                .contains("ferry_node_leases_lost_total{node=\"%s\"} 0.0".formatted(other.name()))
                .contains("ferry_node_lease_renewals_failed_total{node=\"%s\"}".formatted(other.name()))
                .contains("ferry_node_heartbeat_age_seconds{node=\"%s\"}".formatted(owner.name()))
                .contains("ferry_node_state{node=\"%s\",state=\"DRAINED\"} 1.0".formatted(owner.name()));

        // The job goes on under its new owner, then the destination equals the source.
        finishOn(other, "drained", bank, stop, writes, writer);

        // Undrained, it is ALIVE again, and may drain the other node.
        assertThat(other.ferry(api, "nodes", "undrain", owner.name())).contains("takes jobs again");
        assertThat(state(other, owner.name())).isEqualTo(NodeState.ALIVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> !owner.control().nodes().thisNode().orElseThrow().draining());
    }

    /** GET /metrics of {@code api}, with the admin token in {@code home}. */
    private static String metrics(ApiServer api, Path home) throws Exception {
        String token = AdminTokenFile.read(AdminTokenFile.in(home)).orElseThrow();
        var request = java.net.http.HttpRequest.newBuilder(api.uri().resolve("/metrics"))
                .header("Authorization", "Bearer " + token).GET().build();
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return response.body();
        }
    }

    @Test
    @Timeout(120)
    void nodesGivenTheSameKeyShareSecretsAndANodeWithAnotherKeyRefusesToStart() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase bank = pg.freshDatabase();
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        String key = java.util.Base64.getEncoder().encodeToString(raw);

        // The first node takes the key from the environment, the second from a shared key file holding the same key.
        Node first = node("node-a", storeDb, null, config -> config.withSecretKey(null, new Secret(key)));
        first.control().profiles().create(new ProfileRequest("src", null, null, bank.connection()), null);
        Path keyFile = Files.createTempDirectory("ferry-shared-key").resolve("ferry.key");
        Files.writeString(keyFile, key + "\n", java.nio.charset.StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Node second = node("node-b", storeDb, null, config -> config.withSecretKey(keyFile, null));
        assertThat(second.store().findProfile("src").orElseThrow().connection().password().reveal())
                .isEqualTo(bank.connection().password().reveal());

        // A node with a key of its own (the one its home made) is refused, and says what to do.
        Path home = Files.createTempDirectory("ferry-node-other-key");
        assertThatThrownBy(() -> JdbcStore.open(storeConfig(home, storeDb))).isInstanceOf(FerryException.class)
                .hasMessageContaining("is not the key the other servers sharing the store")
                .hasMessageContaining("Give every server the same key")
                .hasMessageNotContaining(key);
        // Only the first node to start made the admin token: the shared store already holds one.
        assertThat(first.control().tokens().bootstrapAdmin()).isPresent();
        assertThat(second.control().tokens().bootstrapAdmin()).isEmpty();
    }

    @Test
    @Timeout(300)
    void aJobIntoAManagedInstanceRunsOnlyOnTheNodeThatCreatedItWhichThenCannotDrain() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase bank = bank(500);
        Node first = node("node-a", storeDb, null);
        Node second = node("node-b", storeDb, first.home().resolve("secret.key"));
        var create = second.control().profiles().create(new ProfileRequest("managed-dst", null, null,
                new ManagedInstance(EngineKind.POSTGRESQL, "15", null, Map.of(), null, "local", null)), null);
        await().atMost(Duration.ofSeconds(90)).until(() -> first.control().operations().get(create.name()).done());
        assertThat(first.control().operations().get(create.name()).error()).isNull();

        // Created and started through node-a, the job runs on node-b, whose provisioner made its destination.
        first.control().profiles().create(new ProfileRequest("src", null, null, bank.connection()), null);
        first.control().jobs().create(new JobRequest("pinned", null, null, JobType.CONTINUOUS, "src", "managed-dst",
                ObjectsConfig.ALL, new PerformanceConfig(2)), null);
        first.control().jobs().start("pinned", false, null);
        awaitReplicating(first, "pinned");
        assertThat(lease(first, "pinned").orElseThrow().node()).isEqualTo("node-b");
        assertThat(first.control().jobs().placement("pinned")).hasValueSatisfying(pin -> {
            assertThat(pin.node()).isEqualTo("node-b");
            assertThat(pin.side()).isEqualTo("destination");
            assertThat(pin.explanation()).contains("can run only on node node-b").contains("cannot fail over if node-b dies");
        });
        assertThatThrownBy(() -> first.control().nodes().drain("node-b", false)).isInstanceOf(FerryException.class)
                .hasMessageContaining("job pinned can run only there");

        // Deleted through node-a, the job goes; its instance stays, to be deleted through the node that runs it.
        var deleted = first.control().jobs().delete("pinned", true, null);
        await().atMost(Duration.ofSeconds(90)).until(() -> first.control().operations().get(deleted.name()).done());
        var done = first.control().operations().get(deleted.name());
        assertThat(done.error()).isNull();
        assertThat(done.statusMessage()).contains("managed instance managed-dst kept")
                .contains("delete it through that node");
        var removed = second.control().profiles().delete("managed-dst", true, null);
        await().atMost(Duration.ofSeconds(60)).until(() -> second.control().operations().get(removed.name()).done());
        assertThat(second.control().operations().get(removed.name()).error()).isNull();
    }
}
