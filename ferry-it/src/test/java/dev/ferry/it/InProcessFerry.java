package dev.ferry.it;

import static org.awaitility.Awaitility.await;

import dev.ferry.control.ControlPlane;
import dev.ferry.control.job.JobRequest;
import dev.ferry.control.profile.ProfileRequest;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobState;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.PerformanceConfig;
import dev.ferry.store.JdbcStore;
import dev.ferry.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** A whole Ferry control plane in this JVM over an H2 store in a temporary home; reopenable to simulate a restart. */
final class InProcessFerry implements AutoCloseable {
    private final Path home;
    private JdbcStore store;
    private ControlPlane control;

    private InProcessFerry(Path home) {
        this.home = home;
        open();
    }

    /** A Ferry whose home is {@code home} (created when missing), such as a directory on a small disk. */
    static InProcessFerry startIn(Path home) {
        try {
            return new InProcessFerry(Files.createDirectories(home));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static InProcessFerry start() {
        try {
            return new InProcessFerry(Files.createTempDirectory("ferry-it-home"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void open() {
        store = JdbcStore.open(StoreConfig.embedded(home));
        control = ControlPlane.wire(store, EngineRegistry.load(), ProvisionerRegistry.load(home), Clock.systemUTC());
        control.recover();
    }

    /** Closes the control plane and the store as a stopping server would, then opens them again. */
    void restart() {
        closeQuietly();
        open();
    }

    ControlPlane control() {
        return control;
    }

    Path home() {
        return home;
    }

    void profile(String name, DatabaseConnection connection) {
        control.profiles().create(new ProfileRequest(name, null, null, connection), null);
    }

    void job(String name, JobType type, String source, String destination, ObjectsConfig objects) {
        control.jobs().create(new JobRequest(name, null, null, type, source, destination, objects,
                new PerformanceConfig(2)), null);
    }

    void job(String name, JobType type, String source, String destination, ObjectsConfig objects,
            dev.ferry.core.model.ReliabilityConfig reliability) {
        control.jobs().create(new JobRequest(name, null, null, type, source, destination, objects,
                new PerformanceConfig(2), false, reliability), null);
    }

    void jobOverwritingDestination(String name, String source, String destination) {
        control.jobs().create(new JobRequest(name, null, null, JobType.ONE_TIME, source, destination, ObjectsConfig.ALL,
                new PerformanceConfig(2), true), null);
    }

    Operation awaitOperation(Operation op, Duration timeout) {
        await().atMost(timeout).until(() -> control.operations().get(op.name()).done());
        return control.operations().get(op.name());
    }

    MigrationJob awaitJob(String name, Set<JobState> states, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .until(() -> states.contains(control.jobs().get(name).state()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What the job did meanwhile says why it never got there.
            StringBuilder story = new StringBuilder();
            control.jobs().events(name, 40).forEach(ev -> story.append("\n  ").append(ev.time()).append(' ')
                    .append(ev.severity()).append(' ').append(ev.message()));
            throw new AssertionError("job %s not in %s after %s: %s; its last events:%s".formatted(name, states, timeout,
                    control.jobs().get(name), story), e);
        }
        return control.jobs().get(name);
    }

    MigrationJob awaitEnd(String name, Duration timeout) {
        return awaitJob(name, EnumSet.of(JobState.COMPLETED, JobState.FAILED, JobState.STOPPED), timeout);
    }

    private void closeQuietly() {
        control.close();
        store.close();
    }

    /** Deletes every job, then every managed instance this Ferry created, then closes it. */
    @Override
    public void close() {
        try {
            for (var job : control.jobs().list()) {
                control.jobs().delete(job.name(), false, null);
            }
            for (var profile : control.profiles().list()) {
                if (profile.spec() instanceof dev.ferry.core.model.ManagedInstance
                        && profile.state() != dev.ferry.core.model.ProfileState.CREATING) {
                    control.profiles().delete(profile.name(), true, null);
                }
            }
        } finally {
            closeQuietly();
        }
    }
}
