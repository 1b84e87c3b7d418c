package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.HealthStatus;
import dev.ferry.core.model.JobHealth;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectState;
import dev.ferry.core.model.Phase;
import dev.ferry.core.model.TableRef;
import dev.ferry.core.spi.engine.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a running continuous job through faults for the fault ITs: watches the job's state and
 * health all along (any state but RUNNING before the promotion is a violation), injects one fault at a time and
 * waits until the job is healthy again, then promotes and compares both sides with the engine's row counts and
 * content hashes.
 */
final class FaultRide implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultRide.class);
    private static final Duration RECOVERY = Duration.ofSeconds(150);

    private final InProcessFerry ferry;
    private final String job;
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<HealthStatus> seen = new ConcurrentLinkedQueue<>();
    private final AtomicReference<JobHealth> lastHealth = new AtomicReference<>();
    private final List<String> faults = new ArrayList<>();
    private final Thread watcher;

    FaultRide(InProcessFerry ferry, String job) {
        this.ferry = ferry;
        this.job = job;
        this.watcher = Thread.ofVirtual().name("fault-ride-watcher").start(this::watch);
    }

    private void watch() {
        while (watching.get()) {
            MigrationJob current = ferry.control().jobs().get(job);
            if (current.state() != JobState.RUNNING && current.state() != JobState.STARTING) {
                violations.add("job left RUNNING: " + current.state() + " " + current.error());
            }
            ferry.control().jobs().health(job).ifPresent(h -> {
                lastHealth.set(h);
                seen.add(h.status());
            });
            try {
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    MigrationJob job() {
        return ferry.control().jobs().get(job);
    }

    void assertRunning() {
        assertThat(violations).as("the job must stay RUNNING through every fault").isEmpty();
    }

    /** Waits until some table of the job is being copied with rows already moved (the full load is under way). */
    void awaitCopying(String table) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertRunning();
            return ferry.control().jobs().objects(job).stream().anyMatch(o -> o.table().table().equals(table)
                    && o.state() == ObjectState.COPYING && o.rowsCopied() > 0);
        });
    }

    void awaitPhase(Phase... phases) {
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertRunning();
            return EnumSet.of(phases[0], phases).contains(job().phase());
        });
    }

    /**
     * Injects {@code fault}, then waits until the job's health went RECONNECTING (or PAUSED) and came back to OK.
     * Returns the phase the job was in when the fault hit.
     */
    Phase inject(String name, Runnable fault) {
        Phase phase = job().phase();
        seen.clear();
        long started = System.nanoTime();
        log.atInfo().addKeyValue("job", job).addKeyValue("fault", name).addKeyValue("phase", phase).log("injecting fault");
        fault.run();
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertRunning();
            return seen.contains(HealthStatus.RECONNECTING);
        });
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertRunning();
            JobHealth h = lastHealth.get();
            return h != null && h.status() == HealthStatus.OK;
        });
        long ms = (System.nanoTime() - started) / 1_000_000;
        faults.add("%s during %s: healthy again after %d ms".formatted(name, phase, ms));
        log.atInfo().addKeyValue("job", job).addKeyValue("fault", name).addKeyValue("ms", ms).log("job recovered from fault");
        return phase;
    }

    List<String> faults() {
        return faults;
    }

    /** Promotes, waits for COMPLETED, and compares every table's row count and content hash on both sides. */
    void promoteAndCompare(DatabaseConnection source, DatabaseConnection destination, String database,
            List<TableRef> tables) {
        watching.set(false);
        try {
            watcher.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertRunning();
        ferry.control().jobs().promote(job, null);
        MigrationJob done = ferry.awaitJob(job, EnumSet.of(JobState.COMPLETED, JobState.FAILED), Duration.ofSeconds(180));
        assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
        Engine engine = EngineRegistry.load().get(source.engine());
        Map<TableRef, Long> sourceRows = engine.countRows(source, database, tables);
        assertThat(engine.countRows(destination, database, tables)).isEqualTo(sourceRows);
        assertThat(sourceRows.values()).allMatch(n -> n > 0);
        assertThat(engine.contentHashes(destination, database, tables)).isEqualTo(engine.contentHashes(source, database, tables));
        log.atInfo().addKeyValue("job", job).addKeyValue("faults", faults).addKeyValue("rows", sourceRows)
                .log("fault ride complete: destination equals source");
    }

    @Override
    public void close() {
        watching.set(false);
    }

    /** The job objects, for messages. */
    List<JobObject> objects() {
        return ferry.control().jobs().objects(job);
    }
}
