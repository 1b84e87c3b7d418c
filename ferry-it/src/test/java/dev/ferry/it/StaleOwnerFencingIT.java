package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.cli.client.ApiClient;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import dev.ferry.testkit.LocalPostgres;
import dev.ferry.testkit.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two {@code ferry server} processes on one PostgreSQL store; the one running a continuous job is frozen (SIGSTOP)
 * past its lease while the source is written, the other takes the job over and applies changes, then the frozen one
 * is continued (SIGCONT) with its runner in the middle of its work. It writes nothing any more: the store refuses its
 * writes or it notices the lost lease first and drops the job, the lease and the destination's progress rows keep the
 * new owner's epoch, and after promotion the destination equals the source without a row applied twice.
 *
 * <p>The job is PostgreSQL to PostgreSQL: each apply commit carries the lease epoch and a commit under an older epoch
 * is refused by the destination itself, which is what keeps a woken owner from writing before it notices. The same
 * refusal on MySQL/MariaDB destinations is shown by that engine's {@code ProgressFencingIT}.
 */
class StaleOwnerFencingIT {
    private static final Logger log = LoggerFactory.getLogger(StaleOwnerFencingIT.class);
    private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(6);
    private static final String JOB = "stale";
    /** What the stale node logs when it drops the job: it noticed the lost lease, or the store refused its write. */
    private static final List<String> DROPPED = List.of("this node lost the job's lease; its runner drops the job",
            "fencing: the store refused this node's write; the job is dropped here and runs on its new owner");

    @RegisterExtension
    static final LocalPostgres pg = LocalPostgres.shared();

    @RegisterExtension
    static final LocalPostgres destination = LocalPostgres.shared("destination");

    @Test
    @Timeout(300)
    void aFrozenOwnerContinuedAfterItsJobMovedWritesNothingAndTheDestinationEqualsTheSource() throws Exception {
        TestDatabase source = pg.freshDatabase();
        source.execute(PacedWriter.fixture(EngineKind.POSTGRESQL));
        PacedWriter writer = PacedWriter.start(source, Duration.ofMillis(20));
        try (var nodes = new FerryNodes("stale-owner", pg.freshDatabase(), LEASE_TIMEOUT)) {
            try {
                run(nodes, source, writer);
            } catch (Throwable e) {
                nodes.dumpLogs(60);
                throw e;
            }
        } finally {
            writer.close();
        }
        List<TableRef> tables = PacedWriter.tables(EngineKind.POSTGRESQL, source);
        Engine engine = EngineRegistry.load().get(EngineKind.POSTGRESQL);
        assertThat(engine.countRows(destination.superuser(), source.name(), tables))
                .isEqualTo(engine.countRows(source.connection(), source.name(), tables));
        assertThat(engine.contentHashes(destination.superuser(), source.name(), tables))
                .isEqualTo(engine.contentHashes(source.connection(), source.name(), tables));
        assertThat(Sql.one(destination.superuser(), source.name(), "SELECT count(*) - count(DISTINCT seq) FROM entry"))
                .as("no change applied twice").isEqualTo("0");
    }

    private static void run(FerryNodes nodes, TestDatabase source, PacedWriter writer) throws Exception {
        List<FerryNodes.Node> started = nodes.start("node-a", "node-b");
        ApiClient first = nodes.client(started.getFirst());
        FerryNodes.profile(first, "src", source.connection(), source.name());
        FerryNodes.profile(first, "dst", destination.superuser(), null);
        FerryNodes.startContinuousJob(first, JOB, "src", "dst");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> FerryNodes.replicating(first, JOB));
        long applied = writer.writes();
        await().atMost(Duration.ofSeconds(60)).until(() -> entries(source) >= applied);

        FerryNodes.Lease before = FerryNodes.lease(first, JOB).orElseThrow();
        FerryNodes.Node owner = started.stream().filter(n -> n.name().equals(before.node())).findFirst().orElseThrow();
        FerryNodes.Node other = started.stream().filter(n -> n != owner).findFirst().orElseThrow();
        ApiClient api = nodes.client(other);
        log.atInfo().addKeyValue("node", owner.name()).addKeyValue("pid", owner.pid()).addKeyValue("epoch", before.epoch())
                .log("freezing the job's owner");
        long frozen = System.nanoTime();
        owner.freeze();
        long writtenAtFreeze = writer.writes();

        // The other node takes the job over and applies changes written after the freeze, under its own epoch.
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250)).until(() ->
                FerryNodes.lease(api, JOB).filter(l -> l.node().equals(other.name()) && l.epoch() > before.epoch())
                        .isPresent() && entries(source) > writtenAtFreeze);
        FerryNodes.Lease after = FerryNodes.lease(api, JOB).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> progressEpochs(source).equals(List.of(after.epoch())));
        log.atInfo().addKeyValue("node", other.name()).addKeyValue("epoch", after.epoch())
                .addKeyValue("ms", Duration.ofNanos(System.nanoTime() - frozen).toMillis())
                .log("the job runs on the other node while its old owner is frozen");

        // The old owner wakes up in the middle of its work: it drops the job.
        int logged = owner.log().length();
        owner.thaw();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> DROPPED.stream().anyMatch(owner.log().substring(logged)::contains));
        long more = writer.writes() + 200;
        await().atMost(Duration.ofSeconds(60)).until(() -> entries(source) > more);
        String woken = owner.log().substring(logged);
        log.atInfo().addKeyValue("node", owner.name()).addKeyValue("log", woken).log("the old owner after SIGCONT");
        assertThat(woken).as("the old owner does not take the job again").doesNotContain("job leased to this node");
        assertThat(FerryNodes.lease(api, JOB)).as("the lease stays with the new owner").contains(after);
        assertThat(progressEpochs(source)).as("every progress row on the destination carries the new owner's epoch")
                .containsExactly(after.epoch());
        assertThat(FerryNodes.owners(api)).containsExactly(Map.entry(JOB, other.name()));

        writer.close();
        FerryNodes.promote(api, JOB);
        FerryNodes.awaitCompleted(api, JOB, Duration.ofSeconds(120));
    }

    /** The newest write (its sequence number) that reached the destination. */
    private static long entries(TestDatabase source) throws SQLException {
        return Long.parseLong(Sql.one(destination.superuser(), source.name(), "SELECT coalesce(max(seq), 0) FROM entry"));
    }

    /** The distinct lease epochs in the job's progress rows on the destination. */
    private static List<Long> progressEpochs(TestDatabase source) throws SQLException {
        return Sql.column(destination.superuser(), source.name(),
                "SELECT DISTINCT epoch FROM ferry.replication_progress WHERE job = '" + JOB + "' ORDER BY 1")
                .stream().map(Long::parseLong).toList();
    }
}
