package dev.ferry.control.profile;

import dev.ferry.control.declare.PlanEntry;
import dev.ferry.control.operation.Operations;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.Secret;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.core.model.JobError;
import dev.ferry.core.model.ManagedInstance;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.ProfileState;
import dev.ferry.core.model.TlsMode;
import dev.ferry.core.spi.provision.Instance;
import dev.ferry.core.spi.provision.InstanceSpec;
import dev.ferry.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use cases of connection profiles. A profile of an existing server is checked by connecting to it
 * before it is saved; a managed-instance profile is saved in state CREATING and its instance is
 * provisioned in the background, tracked by the returned operation. Thread-safe.
 */
public final class ProfileService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProfileService.class);

    private final Store store;
    private final EngineRegistry engines;
    private final ProvisionerRegistry provisioners;
    private final Operations operations;
    private final Clock clock;
    /** This server's node name when it shares its store with other nodes; null otherwise. */
    private final String node;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public ProfileService(Store store, EngineRegistry engines, ProvisionerRegistry provisioners, Operations operations,
            Clock clock) {
        this(store, engines, provisioners, operations, clock, null);
    }

    /**
     * The profiles of node {@code node} among several sharing the store: the managed instances it creates are recorded as
     * its own, and it starts only those again when it starts.
     */
    public ProfileService(Store store, EngineRegistry engines, ProvisionerRegistry provisioners, Operations operations,
            Clock clock, String node) {
        this.node = node;
        this.store = store;
        this.engines = engines;
        this.provisioners = provisioners;
        this.operations = operations;
        this.clock = clock;
    }

    public ConnectionProfile get(String name) {
        return store.findProfile(name).orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND,
                "Connection profile %s not found; list them with: ferry connection-profiles list".formatted(name)));
    }

    public List<ConnectionProfile> list() {
        return store.listProfiles();
    }

    public Operation create(ProfileRequest request, String requestId) {
        return create(request, requestId, true);
    }

    /**
     * Like {@link #create(ProfileRequest, String)}; without {@code probe}, a profile of an existing server is saved
     * without connecting to it first, for a caller that verifies a job using it right away (the job's verify connects
     * to both sides and says what is wrong), so that a one-command migration does not connect twice.
     */
    public Operation create(ProfileRequest request, String requestId, boolean probe) {
        requireSpec(request);
        return operations.once("create", target(request.name()), requestId, () -> {
            lock.lock();
            try {
                var now = clock.instant();
                return switch (request.spec()) {
                    case DatabaseConnection connection -> {
                        var profile = new ConnectionProfile(request.name(), request.displayName(), request.labels(),
                                ProfileState.READY, connection, null, now, now);
                        requireNew(profile.name());
                        if (probe) {
                            engines.get(connection.engine()).probe(connection);
                        }
                        store.insertProfile(profile);
                        log.atInfo().addKeyValue("profile", profile.name()).log("connection profile created");
                        yield operations.done("create", target(profile.name()), requestId, "connection profile created");
                    }
                    case ManagedInstance managed -> createManaged(request, managed, requestId);
                };
            } finally {
                lock.unlock();
            }
        });
    }

    private Operation createManaged(ProfileRequest request, ManagedInstance managed, String requestId) {
        var now = clock.instant();
        var profile = new ConnectionProfile(request.name(), request.displayName(), request.labels(),
                ProfileState.CREATING, managed.withEndpoint(null), null, now, now);
        requireNew(profile.name());
        var provisioner = provisioners.get(managed.provisioner());
        // Flags and the like are refused now, with 400, rather than by the background creation.
        provisioner.check(instanceSpec(profile.name(), managed));
        store.insertProfile(profile);
        if (node != null) {
            // Only this node's provisioner can reach the instance: jobs using it run here, and cannot fail over.
            store.recordInstanceNode(profile.name(), node);
        }
        Operation op = operations.begin("create", target(profile.name()), requestId,
                "creating %s instance".formatted(managed.engine().id()));
        background.submit(() -> provision(profile, managed, op.name(), provisioner));
        return op;
    }

    private void provision(ConnectionProfile profile, ManagedInstance managed, String operation,
            dev.ferry.core.spi.provision.Provisioner provisioner) {
        try {
            Instance instance = provisioner.create(instanceSpec(profile.name(), managed));
            var ready = profile.with(ProfileState.READY, managed.withEndpoint(instance.endpoint()), null, clock.instant());
            store.updateProfile(ready);
            log.atInfo().addKeyValue("profile", profile.name()).addKeyValue("port", instance.endpoint().port())
                    .log("managed instance created");
            operations.finish(operation, null, "instance running on %s:%d (version %s)".formatted(
                    instance.endpoint().host(), instance.endpoint().port(), instance.version()));
        } catch (FerryException e) {
            failProvisioning(profile, operation, new JobError(e.code(), e.getMessage()), e);
        } catch (RuntimeException e) {
            failProvisioning(profile, operation, new JobError(ErrorCode.INTERNAL,
                    "Creating the instance for profile %s failed unexpectedly; see the server log".formatted(profile.name())), e);
        }
    }

    private static InstanceSpec instanceSpec(String name, ManagedInstance managed) {
        return new InstanceSpec(name, managed.engine(), managed.version(), managed.port(), managed.databaseFlags(),
                managed.rootPassword());
    }

    private void failProvisioning(ConnectionProfile profile, String operation, JobError error, Exception cause) {
        log.atError().addKeyValue("profile", profile.name()).setCause(cause).log("managed instance creation failed");
        store.updateProfile(profile.with(ProfileState.FAILED, profile.spec(), error.message(), clock.instant()));
        operations.finish(operation, error, error.message());
    }

    /** Applies the non-null fields of {@code patch}. */
    public Operation update(String name, ProfilePatch patch, String requestId) {
        return operations.once("patch", target(name), requestId, () -> {
            lock.lock();
            try {
                ConnectionProfile current = get(name);
                var spec = current.spec();
                boolean connectionChange = patch.host() != null || patch.port() != null || patch.username() != null
                        || patch.password() != null || patch.database() != null || patch.sslMode() != null
                        || patch.tls() != null;
                if (connectionChange) {
                    if (!(spec instanceof DatabaseConnection c)) {
                        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                                "Profile %s is a managed instance; only displayName and labels can change".formatted(name));
                    }
                    var changed = new DatabaseConnection(c.engine(), or(patch.host(), c.host()), or(patch.port(), c.port()),
                            or(patch.username(), c.username()), or(patch.password(), c.password()),
                            or(patch.database(), c.database()), or(TlsMode.parse(patch.sslMode()), c.sslMode()),
                            or(patch.tls(), c.tls()));
                    ProfileUsers.requireNoUnfinishedJob(store, name, c, changed);
                    requirePasswordToMove(name, c, changed, patch);
                    engines.get(changed.engine()).probe(changed);
                    spec = changed;
                }
                var updated = new ConnectionProfile(name, or(patch.displayName(), current.displayName()),
                        or(patch.labels(), current.labels()), current.state(), spec, current.error(),
                        current.createTime(), clock.instant());
                store.updateProfile(updated);
                return operations.done("patch", target(name), requestId, "connection profile updated");
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * What {@link #put} would do with {@code desired}, changing nothing: create it, change the fields listed, nothing,
     * or refuse (a managed instance's creation settings, a change of kind or engine, or a server that unfinished jobs
     * hold).
     */
    public PlanEntry plan(ProfileRequest desired) {
        requireSpec(desired);
        ConnectionProfile.requireValidName(desired.name(), "connection profile");
        var current = store.findProfile(desired.name());
        if (current.isEmpty()) {
            return ProfileDiff.create(desired);
        }
        ProfileDiff.Outcome outcome = ProfileDiff.diff(current.get(), desired);
        if (outcome.refusal() != null) {
            return PlanEntry.refused(PlanEntry.PROFILE, desired.name(), outcome.changes(), outcome.refusal());
        }
        if (current.get().spec() instanceof DatabaseConnection c) {
            try {
                ProfileUsers.requireNoUnfinishedJob(store, desired.name(), c, (DatabaseConnection) desired.spec());
            } catch (FerryException e) {
                return PlanEntry.refused(PlanEntry.PROFILE, desired.name(), outcome.changes(), e.getMessage());
            }
        }
        return PlanEntry.of(PlanEntry.PROFILE, desired.name(), false, outcome.changes(), null);
    }

    /**
     * Makes profile {@code desired.name()} match {@code desired}: creates it when missing, else replaces its display
     * name, labels and (for an existing server) connection as a whole; a field left out takes its default (no
     * password, no labels). A managed instance's root password left out stays as it is. A refused plan throws
     * FAILED_PRECONDITION with its reason and changes nothing.
     */
    public Operation put(ProfileRequest desired, String requestId) {
        lock.lock();
        try {
            PlanEntry plan = plan(desired);
            return switch (plan.action()) {
                case CREATE -> create(desired, requestId);
                case REFUSED -> throw new FerryException(ErrorCode.FAILED_PRECONDITION, plan.reason());
                case UNCHANGED -> operations.once("patch", target(desired.name()), requestId,
                        () -> operations.done("patch", target(desired.name()), requestId, "connection profile unchanged"));
                case UPDATE, DELETE -> replace(desired, requestId);
            };
        } finally {
            lock.unlock();
        }
    }

    private Operation replace(ProfileRequest desired, String requestId) {
        String name = desired.name();
        return operations.once("patch", target(name), requestId, () -> {
            ConnectionProfile current = get(name);
            var spec = current.spec();
            if (spec instanceof DatabaseConnection c && !ProfileDiff.sameConnection(c, (DatabaseConnection) desired.spec())) {
                var changed = ((DatabaseConnection) desired.spec());
                ProfileUsers.requireNoUnfinishedJob(store, name, c, changed);
                engines.get(changed.engine()).probe(changed);
                spec = changed;
            }
            var updated = new ConnectionProfile(name, ProfileDiff.blankToNull(desired.displayName()), desired.labels(),
                    current.state(), spec, current.error(), current.createTime(), clock.instant());
            store.updateProfile(updated);
            log.atInfo().addKeyValue("profile", name).log("connection profile replaced");
            return operations.done("patch", target(name), requestId, "connection profile updated");
        });
    }

    private static void requireSpec(ProfileRequest request) {
        if (request == null || request.spec() == null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A connection profile needs exactly one of postgresql, mysql or managedInstance");
        }
    }

    /**
     * Deletes a profile no job uses. A managed instance is deleted with its data only when
     * {@code force} is set; otherwise the call is refused and nothing changes.
     */
    public Operation delete(String name, boolean force, String requestId) {
        return operations.once("delete", target(name), requestId, () -> {
            lock.lock();
            try {
                ConnectionProfile profile = get(name);
                List<String> users = store.listJobs().stream()
                        .filter(j -> j.source().equals(name) || j.destination().equals(name))
                        .map(MigrationJob::name).toList();
                if (!users.isEmpty()) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                            "Connection profile %s is used by migration job(s) %s; delete those jobs first"
                                    .formatted(name, String.join(", ", users)));
                }
                if (profile.spec() instanceof ManagedInstance managed) {
                    if (profile.state() == ProfileState.CREATING) {
                        throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                                "Connection profile %s is still being created; wait for it, then delete it".formatted(name));
                    }
                    if (!force && profile.state() == ProfileState.READY) {
                        throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                                "Connection profile %s is a managed instance Ferry created; deleting it deletes the instance and all its data. Repeat with --force to do so"
                                        .formatted(name));
                    }
                    var elsewhere = managingNode(name);
                    if (elsewhere.isPresent()) {
                        throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Connection profile %s is a managed "
                                + "instance that node %s created and runs on its host; delete it through that node "
                                + "(ferry --server ITS_ADDRESS connection-profiles delete %s --force; ferry nodes list shows "
                                + "its address)").formatted(name, elsewhere.get(), name));
                    }
                    var provisioner = provisioners.get(managed.provisioner());
                    if (profile.state() == ProfileState.READY || provisioner.status(name).isPresent()) {
                        provisioner.delete(name);
                    }
                }
                store.deleteProfile(name);
                log.atInfo().addKeyValue("profile", name).log("connection profile deleted");
                return operations.done("delete", target(name), requestId, "connection profile deleted");
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Gives the superuser of the managed instance behind profile {@code name} a new password, on the running instance
     * (through its engine) and in the store, encrypted, so Ferry keeps connecting. Recorded with the caller's token
     * name in the log and in the events of every job using the instance; the password is never logged nor answered.
     * Refused for a profile of an existing server, an instance not READY, or one a running job uses.
     */
    public Operation setRootPassword(String name, Secret password, String requestId) {
        if (password == null || password.reveal().isEmpty()) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "A new superuser password is required (it must not be empty)");
        }
        return operations.once("setRootPassword", target(name), requestId, () -> {
            lock.lock();
            try {
                ConnectionProfile profile = get(name);
                if (!(profile.spec() instanceof ManagedInstance managed)) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("Connection profile %s is an existing server, "
                            + "not a managed instance Ferry created; change its passwords on that server, then give the "
                            + "profile the new one (PATCH /v1/connectionProfiles/%s with the password)").formatted(name, name));
                }
                if (profile.state() != ProfileState.READY || managed.endpoint() == null) {
                    throw new FerryException(ErrorCode.FAILED_PRECONDITION,
                            "Managed instance %s is %s; its password can be set once it is READY".formatted(name, profile.state()));
                }
                String caller = new RootPasswordChange(store, engines, clock).apply(profile, managed, password);
                return operations.done("setRootPassword", target(name), requestId,
                        "superuser password of managed instance set by " + caller);
            } finally {
                lock.unlock();
            }
        });
    }

    /** Starts again every managed instance whose profile is READY; a failure is logged and left for the user. */
    public void startManagedInstances() {
        for (ConnectionProfile profile : store.listProfiles()) {
            if (profile.spec() instanceof ManagedInstance && managedElsewhere(profile.name())) {
                continue; // another node's instance: that node starts it, or finishes creating it
            }
            if (profile.state() == ProfileState.CREATING || profile.state() == ProfileState.DELETING) {
                String error = "Creating this instance was interrupted when Ferry stopped; delete the profile and create it again";
                store.updateProfile(profile.with(ProfileState.FAILED, profile.spec(), error, clock.instant()));
                log.atWarn().addKeyValue("profile", profile.name()).log("managed instance creation was interrupted");
                continue;
            }
            if (profile.spec() instanceof ManagedInstance managed && profile.state() == ProfileState.READY) {
                try {
                    provisioners.get(managed.provisioner()).start(profile.name());
                } catch (FerryException e) {
                    log.atError().addKeyValue("profile", profile.name()).setCause(e)
                            .log("could not start managed instance; jobs using it will fail until it runs");
                }
            }
        }
    }

    /** Whether another node sharing the store created the managed instance of this profile. */
    private boolean managedElsewhere(String profile) {
        return managingNode(profile).isPresent();
    }

    /** The other node sharing the store that created the managed instance of this profile, if another did. */
    private java.util.Optional<String> managingNode(String profile) {
        return node == null ? java.util.Optional.empty() : store.instanceNode(profile).filter(owner -> !owner.equals(node));
    }

    /**
     * A profile pointed at another server, or at another user, gets its password again: the stored one was
     * given for the server and user it was stored with, and must never be sent anywhere else.
     */
    private static void requirePasswordToMove(String name, DatabaseConnection current, DatabaseConnection changed,
            ProfilePatch patch) {
        List<String> moved = new java.util.ArrayList<>();
        if (!current.host().equals(changed.host())) {
            moved.add("host");
        }
        if (current.port() != changed.port()) {
            moved.add("port");
        }
        if (!current.username().equals(changed.username())) {
            moved.add("username");
        }
        if (!moved.isEmpty() && patch.password() == null && current.password() != null) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT, ("Changing the %s of connection profile %s needs its "
                    + "password again: send the password with the change (the stored one is never sent to another "
                    + "server or user)").formatted(String.join(", ", moved), name));
        }
    }

    private void requireNew(String name) {
        if (store.findProfile(name).isPresent()) {
            throw new FerryException(ErrorCode.ALREADY_EXISTS, "Connection profile %s already exists".formatted(name));
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    /** The operation target naming this resource. */
    private static String target(String name) {
        return "connectionProfiles/" + name;
    }

}
