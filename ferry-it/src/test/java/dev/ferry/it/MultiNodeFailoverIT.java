package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cli.client.ApiClient;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.testkit.LocalMariaDb;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three {@code ferry server} processes on one PostgreSQL store run six continuous jobs of both engines under a steady
 * write load; the node running the most jobs is killed with SIGKILL. Its jobs resume on the other nodes within 30 s
 * of the kill (changes written after the kill reach their destinations), the other jobs go on undisturbed, and after
 * promotion through a surviving node every destination equals its source.
 */
class MultiNodeFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(MultiNodeFailoverIT.class);
    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(6);
    /** What Ferry promises: a dead node's jobs resume elsewhere within this (with the default lease timeout, 20 s). */
    private static final Duration RESUMED_WITHIN = Duration.ofSeconds(30);
    private static final Duration WRITE_PERIOD = Duration.ofMillis(20);

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres pgDestination = LocalPostgres.shared("destination");

    @RegisterExtension
    static final LocalMariaDb maria = LocalMariaDb.shared();

    @RegisterExtension
    static final LocalMariaDb mariaDestination = LocalMariaDb.shared("destination");

    /** One job: its name, its source database and the destination server its database is copied to. */
    private record Job(String name, EngineKind engine, TestDatabase source, DatabaseConnection destination) {
        long destinationEntries() throws java.sql.SQLException {
            String value = Sql.one(destination, source.name(), "SELECT coalesce(max(seq), 0) FROM entry");
            return Long.parseLong(value);
        }
    }

    @Test
    @Timeout(330)
    void jobsOfAKilledNodeResumeOnTheOthersWithin30SecondsAndEveryDestinationEqualsItsSource() throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            jobs.add(new Job("pg-" + i, EngineKind.POSTGRESQL, pg.freshDatabase(), pgDestination.superuser()));
            jobs.add(new Job("maria-" + i, EngineKind.MYSQL, maria.freshDatabase(), mariaDestination.superuser()));
        }
        jobs.forEach(j -> j.source().execute(PacedWriter.fixture(j.engine())));
        Map<String, PacedWriter> writers = new LinkedHashMap<>();
        try (var nodes = new FerryNodes("failover", pg.freshDatabase(), LEASE_TIMEOUT)) {
            List<FerryNodes.Node> started = nodes.start("node-1", "node-2", "node-3");
            ApiClient first = nodes.client(started.getFirst());
            FerryNodes.profile(first, "dst-pg", pgDestination.superuser(), null);
            FerryNodes.profile(first, "dst-maria", mariaDestination.superuser(), null);
            for (Job job : jobs) {
                writers.put(job.name(), PacedWriter.start(job.source(), WRITE_PERIOD));
            }
            try (var setup = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> creations = new ArrayList<>();
                for (int i = 0; i < jobs.size(); i++) {
                    // Each node starts two jobs: a node runs the jobs it is asked to start while it has room.
                    Job job = jobs.get(i);
                    ApiClient through = nodes.client(started.get(i % started.size()));
                    creations.add(setup.submit(() -> {
                        FerryNodes.profile(through, "src-" + job.name(), job.source().connection(), job.source().name());
                        FerryNodes.startContinuousJob(through, job.name(), "src-" + job.name(),
                                job.engine() == EngineKind.POSTGRESQL ? "dst-pg" : "dst-maria");
                    }));
                }
                for (Future<?> creation : creations) {
                    creation.get();
                }
            }
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> jobs.stream().allMatch(j -> FerryNodes.replicating(first, j.name())));
            // Changes flow to every destination before the kill.
            for (Job job : jobs) {
                long written = writers.get(job.name()).writes();
                await().atMost(Duration.ofSeconds(60)).until(() -> job.destinationEntries() >= written);
            }

            // The node that runs the most jobs dies.
            Map<String, String> owners = FerryNodes.owners(first);
            assertThat(owners).as("every job runs on a node").containsOnlyKeys(jobs.stream().map(Job::name).toList());
            FerryNodes.Node victim = started.stream().max(Comparator.comparingLong(
                    (FerryNodes.Node n) -> owners.values().stream().filter(n.name()::equals).count())).orElseThrow();
            List<String> orphaned = owners.entrySet().stream().filter(e -> e.getValue().equals(victim.name()))
                    .map(Map.Entry::getKey).sorted().toList();
            Map<String, Long> epochs = new HashMap<>();
            for (Job job : jobs) {
                epochs.put(job.name(), FerryNodes.lease(first, job.name()).orElseThrow().epoch());
            }
            FerryNodes.Node survivor = started.stream().filter(n -> n != victim).findFirst().orElseThrow();
            ApiClient api = nodes.client(survivor);
            log.atInfo().addKeyValue("node", victim.name()).addKeyValue("pid", victim.pid()).addKeyValue("jobs", orphaned)
                    .addKeyValue("owners", owners).log("killing the node running the most jobs");

            long killed = System.nanoTime();
            victim.kill();
            Map<String, Long> writtenAtKill = new HashMap<>();
            writers.forEach((job, writer) -> writtenAtKill.put(job, writer.writes()));

            // Resumed: a surviving node holds the job, and a change written after the kill is on its destination.
            Map<String, Duration> resumed = new LinkedHashMap<>();
            await().atMost(RESUMED_WITHIN.plusSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, String> now = FerryNodes.owners(api);
                for (Job job : jobs) {
                    String owner = now.get(job.name());
                    if (!resumed.containsKey(job.name()) && owner != null && !owner.equals(victim.name())
                            && job.destinationEntries() > writtenAtKill.get(job.name())) {
                        resumed.put(job.name(), Duration.ofNanos(System.nanoTime() - killed));
                    }
                }
                return resumed.size() == jobs.size();
            });
            Duration slowest = orphaned.stream().map(resumed::get).max(Duration::compareTo).orElseThrow();
            log.atInfo().addKeyValue("node", victim.name()).addKeyValue("jobs", orphaned).addKeyValue("resumed", resumed)
                    .addKeyValue("slowestMs", slowest.toMillis()).log("the killed node's jobs run on the other nodes");
            assertThat(slowest).as("the killed node's jobs resume elsewhere (%s)", resumed).isLessThan(RESUMED_WITHIN);
            for (Job job : jobs) {
                var lease = FerryNodes.lease(api, job.name()).orElseThrow();
                assertThat(lease.node()).as(job.name()).isNotEqualTo(victim.name());
                if (orphaned.contains(job.name())) {
                    assertThat(lease.epoch()).as("%s runs under a new lease", job.name()).isGreaterThan(epochs.get(job.name()));
                } else {
                    assertThat(lease.epoch()).as("%s stays where it ran", job.name()).isEqualTo(epochs.get(job.name()));
                }
                assertThat(FerryNodes.replicating(api, job.name())).as(job.name()).isTrue();
            }

            for (PacedWriter writer : writers.values()) {
                writer.close();
            }
            for (Job job : jobs) {
                FerryNodes.promote(api, job.name());
            }
            for (Job job : jobs) {
                FerryNodes.awaitCompleted(api, job.name(), Duration.ofSeconds(120));
                assertEqual(job);
            }
        } finally {
            for (PacedWriter writer : writers.values()) {
                writer.close();
            }
        }
    }

    private static void assertEqual(Job job) {
        Engine engine = EngineRegistry.load().get(job.engine());
        List<TableRef> tables = PacedWriter.tables(job.engine(), job.source());
        String database = job.source().name();
        Map<TableRef, Long> rows = engine.countRows(job.source().connection(), database, tables);
        assertThat(engine.countRows(job.destination(), database, tables)).as(job.name()).isEqualTo(rows);
        assertThat(engine.contentHashes(job.destination(), database, tables)).as(job.name())
                .isEqualTo(engine.contentHashes(job.source().connection(), database, tables));
        log.atInfo().addKeyValue("job", job.name()).addKeyValue("rows", rows).log("destination equals source");
    }
}
