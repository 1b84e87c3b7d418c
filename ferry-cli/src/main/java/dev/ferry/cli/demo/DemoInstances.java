package dev.ferry.cli.demo;

import dev.ferry.cli.migrate.InProcessRun;
import dev.ferry.control.ControlPlane;
import dev.ferry.control.job.JobRequest;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.EngineKind;
import dev.ferry.core.model.JobType;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.ObjectsConfig;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.ProfileState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The demo's resources: the managed instances {@code demo-source} (reused when an earlier demo left
 * it running, else created or recreated) and {@code demo-destination} (always new), and the one-time
 * job {@code demo} between them. Says on standard error what it reuses, deletes and creates.
 */
final class DemoInstances {
    static final String SOURCE = "demo-source";
    static final String DESTINATION = "demo-destination";
    static final String JOB = "demo";
    private static final Map<String, String> LABELS = Map.of("ferry-demo", "true");

    private final ControlPlane control;
    private final InProcessRun run;
    private final PrintWriter err;
    private final List<Operation> started = new ArrayList<>();

    DemoInstances(ControlPlane control, InProcessRun run, PrintWriter err) {
        this.control = control;
        this.run = run;
        this.err = err;
    }

    /** Deletes the job of an earlier demo, so its profiles can be replaced. */
    void removeEarlierJob() {
        if (find(() -> control.jobs().get(JOB)).isPresent()) {
            say("Deleting migration job %s from an earlier demo".formatted(JOB));
            control.jobs().delete(JOB, false, null);
        }
    }

    /** Reuses a running demo-source, else (re)creates it; returns the create operation, or null when reused. */
    Operation prepareSource() {
        Optional<ConnectionProfile> earlier = find(() -> control.profiles().get(SOURCE));
        if (earlier.isPresent()) {
            ConnectionProfile profile = requireDemoInstance(earlier.get());
            if (profile.state() == ProfileState.READY && DemoData.reachable(profile.connection())) {
                say("Reusing %s from an earlier demo (%s); its database %s is filled again"
                        .formatted(SOURCE, profile.connection().display(), DemoData.DATABASE));
                return null;
            }
            say("Recreating %s: the one from an earlier demo is %s".formatted(SOURCE,
                    profile.state() == ProfileState.READY ? "not reachable" : profile.state()));
            control.profiles().delete(SOURCE, true, null);
        } else {
            say("Creating a managed PostgreSQL instance %s".formatted(SOURCE));
        }
        return track(run.createProfile(SOURCE, "Ferry demo source", managedPostgres()));
    }

    /** Deletes the demo-destination of an earlier demo, then starts creating a new one. */
    Operation prepareDestination() {
        Optional<ConnectionProfile> earlier = find(() -> control.profiles().get(DESTINATION));
        if (earlier.isPresent()) {
            requireDemoInstance(earlier.get());
            say("Deleting %s from an earlier demo and creating it again".formatted(DESTINATION));
            control.profiles().delete(DESTINATION, true, null);
        } else {
            say("Creating a managed PostgreSQL instance %s".formatted(DESTINATION));
        }
        return track(run.createProfile(DESTINATION, "Ferry demo destination", managedPostgres()));
    }

    /**
     * After a failure or an interrupt, gives instances still being created up to {@code limit} to
     * finish, so that closing the control plane does not cut a creation short and strand its profile.
     */
    void settle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Operation op : started) {
            try {
                Operation current = control.operations().get(op.name());
                while (!current.done() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    current = control.operations().get(op.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (FerryException e) {
                err.println("Could not wait for " + op.target() + " to be created: " + e.getMessage());
                err.flush();
            }
        }
    }

    private Operation track(Operation op) {
        started.add(op);
        return op;
    }

    /** How to reach a created instance as its superuser, password included. */
    DatabaseConnection endpoint(String profile) {
        return control.profiles().get(profile).connection();
    }

    void createJob() {
        control.jobs().create(new JobRequest(JOB, "Ferry demo", LABELS, JobType.ONE_TIME, SOURCE, DESTINATION,
                new ObjectsConfig(List.of(DemoData.DATABASE), List.of()), null), null);
    }

    private static ManagedInstance managedPostgres() {
        return new ManagedInstance(EngineKind.POSTGRESQL, null, null, Map.of(), null, "local", null);
    }

    private static ConnectionProfile requireDemoInstance(ConnectionProfile profile) {
        if (!(profile.spec() instanceof ManagedInstance) || profile.engine() != EngineKind.POSTGRESQL) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                    "Connection profile %s exists and is not a demo instance; the demo will not touch it. Use another --home"
                            .formatted(profile.name()));
        }
        return profile;
    }

    private void say(String message) {
        err.println(message);
        err.flush();
    }

    private static <T> Optional<T> find(Supplier<T> lookup) {
        try {
            return Optional.of(lookup.get());
        } catch (FerryException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
