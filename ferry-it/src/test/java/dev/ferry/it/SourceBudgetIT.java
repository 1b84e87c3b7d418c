package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.ControlPlane;
import dev.ferry.control.job.JobRequest;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.control.runner.SourceBudget;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.SourceLimit;
import dev.ferry.core.model.SourceReservation;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Source connection budgets on real servers: a node's {@code --max-source-connections} makes a job that does not fit
 * wait until another ends, and a source server's cap bounds two nodes sharing a PostgreSQL store, whose reservations
 * are reclaimed when a node dies.
 */
class SourceBudgetIT {
    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(6);
    /** A continuous job copying with one session: one copy session, the snapshot's, the lock watcher's, replication's. */
    private static final int CONTINUOUS_NEED = 4;

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    private final List<StoreNode> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(StoreNode::close);
    }

    /** A server on its own embedded store whose jobs hold at most {@code budget} source connections. */
    private StoreNode embedded(String name, int budget) throws Exception {
        Path home = Files.createTempDirectory("ferry-budget-" + name);
        JdbcStore store = JdbcStore.open(StoreConfig.embedded(home));
        var control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC(), null,
                new SourceBudget.Settings(name, budget));
        control.recover();
        StoreNode node = new StoreNode(name, home, store, control);
        nodes.add(node);
        return node;
    }

    /** A node sharing the PostgreSQL store {@code storeDb}, without a budget of its own. */
    private StoreNode shared(String name, TestDatabase storeDb, Path key) throws Exception {
        StoreNode node = StoreNode.shared(name, storeDb, key, LEASE_TIMEOUT);
        nodes.add(node);
        return node;
    }

    private static TestDatabase bank(int rows) {
        TestDatabase bank = pg.freshDatabase();
        bank.execute("CREATE TABLE account (id bigserial PRIMARY KEY, owner text, balance numeric(14,2))",
                "INSERT INTO account (owner, balance) SELECT 'o' || g, g FROM generate_series(1, %d) g".formatted(rows));
        return bank;
    }

    /** Profile {@code name}-src for {@code source}, and job {@code name} from it to the destination server. */
    private static void createJob(StoreNode node, String name, JobType type, TestDatabase source) {
        node.control().profiles().create(new ProfileRequest(name + "-src", null, null, source.connection()), null);
        if (node.control().profiles().list().stream().noneMatch(p -> p.name().equals("dst"))) {
            node.control().profiles().create(new ProfileRequest("dst", null, null, destination.superuser()), null);
        }
        node.control().jobs().create(new JobRequest(name, null, null, type, name + "-src", "dst", ObjectsConfig.ALL,
                new PerformanceConfig(1)), null);
    }

    private static boolean replicating(StoreNode node, String job) {
        var j = node.control().jobs().get(job);
        assertThat(j.state()).as("%s: %s", job, j.error()).isNotIn(JobState.FAILED, JobState.STOPPED);
        // A job resumed on another node keeps its RUNNING state while it waits for its source connections there.
        return j.state() == JobState.RUNNING && (j.phase() == Phase.CDC || j.phase() == Phase.READY_FOR_PROMOTE)
                && node.control().jobs().waiting(job).isEmpty();
    }

    private static JobState awaitEnd(StoreNode node, String job) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                EnumSet.of(JobState.COMPLETED, JobState.FAILED).contains(node.control().jobs().get(job).state()));
        var j = node.control().jobs().get(job);
        assertThat(j.state()).as("%s: %s", job, j.error()).isEqualTo(JobState.COMPLETED);
        return j.state();
    }

    private static List<String> events(StoreNode node, String job) {
        return node.control().jobs().events(job, 1000).stream().map(JobEvent::message).toList();
    }

    @Test
    @Timeout(240)
    void aJobThatDoesNotFitTheNodesBudgetWaitsSayingWhyAndStartsOnceTheFirstCompletes() throws Exception {
        StoreNode node = embedded("node-1", CONTINUOUS_NEED);
        TestDatabase first = bank(500);
        TestDatabase second = bank(300);
        createJob(node, "first", JobType.CONTINUOUS, first);
        createJob(node, "second", JobType.ONE_TIME, second);

        node.control().jobs().start("first", false, null);
        await().atMost(Duration.ofSeconds(120)).until(() -> replicating(node, "first"));
        node.control().jobs().start("second", false, null);

        String why = "Waiting for source connections: node node-1 uses 4 of 4 (--max-source-connections); this job needs 3";
        await().atMost(Duration.ofSeconds(30)).until(() -> events(node, "second").stream().anyMatch(m -> m.startsWith(why)));
        assertThat(node.control().jobs().get("second").state()).isEqualTo(JobState.STARTING);
        assertThat(node.control().jobs().waiting("second")).hasValueSatisfying(w -> assertThat(w).startsWith(why));
        assertThat(node.store().listSourceReservations()).extracting(SourceReservation::job, SourceReservation::connections)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("first", CONTINUOUS_NEED));
        assertThat(node.store().listObjects("second")).as("nothing of the waiting job was copied").isEmpty();

        node.control().jobs().promote("first", null);
        awaitEnd(node, "first");
        awaitEnd(node, "second");
        assertThat(events(node, "second")).anyMatch(m -> m.startsWith("Reserved 3 source connections on "));
        assertThat(node.control().jobs().waiting("second")).isEmpty();
        assertThat(node.store().listSourceReservations()).as("released when the runners ended").isEmpty();
        assertThat(Sql.pgTableHash(destination.superuser(), second.name(), "account"))
                .isEqualTo(Sql.pgTableHash(second.connection(), second.name(), "account"));
    }

    @Test
    @Timeout(300)
    void aSourceServersCapBoundsTwoNodesAndADeadNodesReservationsAreReclaimed() throws Exception {
        TestDatabase storeDb = pg.freshDatabase();
        TestDatabase one = bank(500);
        TestDatabase two = bank(500);
        StoreNode a = shared("node-a", storeDb, null);
        StoreNode b = shared("node-b", storeDb, a.home().resolve("secret.key"));
        String server = SourceLimit.server(one.connection());
        a.control().sourceLimits().set(server, CONTINUOUS_NEED, null);
        createJob(a, "one", JobType.CONTINUOUS, one);
        createJob(a, "two", JobType.CONTINUOUS, two);

        // Sampled all along: the reservations on the server never exceed its cap.
        var most = new AtomicInteger();
        var sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    int used = b.store().listSourceReservations().stream().filter(r -> r.server().equals(server))
                            .mapToInt(SourceReservation::connections).sum();
                    most.accumulateAndGet(used, Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                } catch (RuntimeException e) {
                    return; // the store closed at the end of the test
                }
            }
        });
        try {
            a.control().jobs().start("one", false, null);
            b.control().jobs().start("two", false, null);
            await().atMost(Duration.ofSeconds(120)).until(() -> replicating(a, "one") || replicating(a, "two"));
            String running = replicating(a, "one") ? "one" : "two";
            String waiting = running.equals("one") ? "two" : "one";
            String why = "Waiting for source connections: source server %s has 4 of 4 in use by Ferry jobs".formatted(server);
            await().atMost(Duration.ofSeconds(30)).until(() -> events(a, waiting).stream().anyMatch(m -> m.startsWith(why)));
            assertThat(a.control().jobs().get(waiting).state()).isEqualTo(JobState.STARTING);
            assertThat(b.control().jobs().waiting(waiting)).hasValueSatisfying(w -> assertThat(w).startsWith(why));

            // The node running the job dies: its reservation lapses with its lease, and the jobs go on within the cap.
            String owner = a.control().nodes().lease(running).orElseThrow().node();
            StoreNode dead = owner.equals("node-a") ? a : b;
            StoreNode survivor = dead == a ? b : a;
            dead.control().abandon();
            assertThat(survivor.store().listSourceReservations()).as("held until the dead node's lease is taken over")
                    .anyMatch(r -> r.node().equals(dead.name()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                var reserved = survivor.store().listSourceReservations();
                assertThat(reserved).singleElement().satisfies(r -> assertThat(r.node()).isEqualTo(survivor.name()));
                assertThat(survivor.control().nodes().lease(reserved.getFirst().job())).hasValueSatisfying(
                        l -> assertThat(l.node()).isEqualTo(survivor.name()));
                assertThat(replicating(survivor, reserved.getFirst().job())).isTrue();
            });

            String next = survivor.store().listSourceReservations().getFirst().job();
            String other = next.equals("one") ? "two" : "one";
            // The other job waits (one taken over from the dead node keeps its RUNNING state meanwhile), saying why.
            await().atMost(Duration.ofSeconds(30)).until(() -> survivor.control().jobs().waiting(other)
                    .filter(w -> w.startsWith(why)).isPresent());
            survivor.control().jobs().promote(next, null);
            awaitEnd(survivor, next);
            await().atMost(Duration.ofSeconds(120)).until(() -> replicating(survivor, other));
            survivor.control().jobs().promote(other, null);
            awaitEnd(survivor, other);
            // Released once the runner has ended, a moment after it recorded the job's end.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(survivor.store().listSourceReservations()).isEmpty());
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        assertThat(most.get()).as("connections reserved on the server at most").isEqualTo(CONTINUOUS_NEED);
    }
}
