package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.LagSample;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.Severity;
import dev.ferry.store.secret.SecretBox;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link Store} over JDBC: the same SQL on the embedded H2 file and on PostgreSQL, through a
 * HikariCP pool. Each method is one transaction. Thread-safe; the caller closes it.
 */
public final class JdbcStore implements Store {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JdbcStore.class);

    private final Database database;
    private final ProfileTable profiles;
    private final JobTable jobs = new JobTable();
    private final ObjectTable objects;
    private final OperationTable operations = new OperationTable();
    private final EventTable events = new EventTable();
    private final LagHistoryTable lagHistory = new LagHistoryTable();
    private final CheckpointTable checkpoints;
    private final TokenTable tokens = new TokenTable();
    private final SecretBox secrets;

    /** Passes over the profiles a key rotation makes at most before it gives up on a moving target. */
    private static final int MAX_RESEAL_PASSES = 10;

    private final InstallationTable installation = new InstallationTable();
    private volatile String installationId;
    private final ClusterTable cluster;
    private final SourceBudgetTable budgets;
    private final KeyCheckTable keyCheck = new KeyCheckTable();
    /** In a {@link #fenced} view, the lease its writes of that job are fenced by; null in the store itself. */
    private final dev.ferry.core.model.JobLease lease;

    private JdbcStore(Database database, SecretBox secrets) {
        this.database = database;
        this.secrets = secrets;
        this.profiles = new ProfileTable(new SpecCodec(secrets));
        this.objects = new ObjectTable(database.dialect());
        this.checkpoints = new CheckpointTable(database.dialect());
        this.cluster = new ClusterTable(database.dialect());
        this.budgets = new SourceBudgetTable(database.dialect());
        this.lease = null;
    }

    private JdbcStore(JdbcStore base, dev.ferry.core.model.JobLease lease) {
        this.database = base.database;
        this.secrets = base.secrets;
        this.profiles = base.profiles;
        this.objects = base.objects;
        this.checkpoints = base.checkpoints;
        this.cluster = base.cluster;
        this.budgets = base.budgets;
        this.installationId = base.installationId;
        this.lease = lease;
    }

    @Override
    public Store fenced(dev.ferry.core.model.JobLease lease) {
        Objects.requireNonNull(lease, "lease");
        return new JdbcStore(this, lease);
    }

    @Override
    public dev.ferry.core.spi.engine.Fence fence() {
        if (lease == null) {
            return dev.ferry.core.spi.engine.Fence.NONE;
        }
        var held = lease;
        return new dev.ferry.core.spi.engine.Fence() {
            @Override
            public long epoch() {
                return held.epoch();
            }

            @Override
            public void check() {
                database.run("checking the lease of migration job " + held.job(), c -> cluster.fence(c, held));
            }

            @Override
            public String toString() {
                return "lease of " + held.job() + " by " + held.node() + " at epoch " + held.epoch();
            }
        };
    }

    /** In a fenced view, refuses (before anything is written) a write of the leased job under a superseded lease. */
    private void fence(java.sql.Connection c, String job) throws java.sql.SQLException {
        if (lease != null && lease.job().equals(job)) {
            cluster.fence(c, lease);
        }
    }

    @Override
    public void heartbeatNode(dev.ferry.core.model.ClusterNode node) {
        database.run("renewing node " + node.name(), c -> cluster.heartbeat(c, node));
    }

    @Override
    public void removeNode(String name) {
        database.run("removing node " + name, c -> cluster.remove(c, name));
    }

    @Override
    public void recordInstanceNode(String profile, String node) {
        database.run("recording the node of managed instance " + profile, c -> cluster.recordInstanceNode(c, profile, node));
    }

    @Override
    public Optional<String> instanceNode(String profile) {
        return database.inTransaction("reading the node of managed instance " + profile, c -> cluster.instanceNode(c, profile));
    }

    @Override
    public boolean requestNodeDrain(String name, boolean drain) {
        return database.inTransaction((drain ? "draining node " : "undraining node ") + name,
                c -> cluster.requestDrain(c, name, drain));
    }

    @Override
    public List<dev.ferry.core.model.ClusterNode> listNodes() {
        return database.inTransaction("listing nodes", cluster::nodes);
    }

    @Override
    public List<dev.ferry.core.model.JobLease> listLeases() {
        return database.inTransaction("listing job leases", cluster::leases);
    }

    @Override
    public List<dev.ferry.core.model.SourceLimit> listSourceLimits() {
        return database.inTransaction("listing source limits", budgets::limits);
    }

    @Override
    public void putSourceLimit(dev.ferry.core.model.SourceLimit limit) {
        database.run("setting the limit of source server " + limit.server(), c -> budgets.putLimit(c, limit));
    }

    @Override
    public boolean deleteSourceLimit(String server) {
        return database.inTransaction("removing the limit of source server " + server, c -> budgets.deleteLimit(c, server));
    }

    @Override
    public List<dev.ferry.core.model.SourceReservation> listSourceReservations() {
        return database.inTransaction("listing source reservations", budgets::reservations);
    }

    @Override
    public Optional<dev.ferry.core.model.SourceReservation.Shortfall> reserveSource(
            dev.ferry.core.model.SourceReservation wanted, Integer nodeMax) {
        return database.inTransaction("reserving source connections for migration job " + wanted.job(),
                c -> budgets.reserve(c, wanted, nodeMax, java.time.Instant.now()));
    }

    @Override
    public void releaseSource(String job, String node, long epoch) {
        database.run("releasing the source connections of migration job " + job, c -> budgets.release(c, job, node, epoch));
    }

    @Override
    public int releaseUnleasedSources() {
        return database.inTransaction("releasing the source connections of earlier runs", budgets::releaseUnleased);
    }

    /**
     * A small connection pool of its own to this store, for a scheduler library that needs a {@link javax.sql.DataSource}
     * (job leases and their heartbeats). The caller closes it; closing it does not close the store.
     */
    public com.zaxxer.hikari.HikariDataSource openSidePool(String name, int size) {
        return database.openSidePool(name, size);
    }

    /**
     * Opens the store: creates the home directory (and the H2 directory), reads or creates the key file
     * {@code home/secret.key}, brings the schema up to date with Flyway, and seals again every secret
     * still in the first format (not bound to its profile). Fails with
     * {@code FAILED_PRECONDITION} when the key file is readable by others or the embedded store is
     * used by another Ferry process, and {@code UNAVAILABLE} when an external store cannot be reached.
     */
    public static JdbcStore open(StoreConfig config) {
        Objects.requireNonNull(config, "config");
        SecretBox secrets = config.secretKey() != null ? SecretBox.ofKey(config.secretKey(), StoreConfig.SECRET_KEY_VARIABLE)
                : config.secretKeyFile() != null ? SecretBox.openShared(config.secretKeyFile()) : SecretBox.open(config.keyFile());
        JdbcStore store = new JdbcStore(Database.open(config), secrets);
        try {
            if (config.shared()) {
                store.requireSameKey(config);
            }
            store.resealStaleSecrets(false);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * On a shared store, refuses to go on when this server's keys do not hold the key the store's secrets are sealed
     * with, as the first server to open the store recorded it (by its id, never the key); the first one records its own.
     */
    private void requireSameKey(StoreConfig config) {
        String mine = secrets.activeKeyId();
        String recorded = database.inTransaction("reading the secret key check", keyCheck::find).orElseGet(() -> {
            try {
                database.run("recording the secret key check", c -> keyCheck.create(c, mine, java.time.Instant.now()));
                return mine;
            } catch (FerryException e) {
                // Another server sharing the store recorded its key first: check against theirs.
                return database.inTransaction("reading the secret key check", keyCheck::find).orElseThrow(() -> e);
            }
        });
        if (!secrets.keyIds().contains(recorded)) {
            throw new FerryException(ErrorCode.FAILED_PRECONDITION, ("This server's secret key (id %s, from the %s) is not "
                    + "the key the other servers sharing the store %s use (id %s): it could not open their secrets. Give "
                    + "every server the same key: the same --secret-key-file, the same %s, or a copy of the first server's "
                    + "HOME/secret.key").formatted(mine, config.secretKeySource(), config.display(), recorded,
                    StoreConfig.SECRET_KEY_VARIABLE));
        }
    }

    /**
     * Makes a new key active, seals every stored secret again with it, then removes the older keys from
     * the key file. Until the end, the older keys still open what they sealed, so the server keeps
     * working throughout; a failure midway leaves every secret readable and the rotation can be repeated.
     * Returns the new key's id.
     */
    public String rotateSecretKey() {
        String id = secrets.rotate();
        resealStaleSecrets(true);
        if (database.inTransaction("reading the secret key check", keyCheck::find).isPresent()) {
            database.run("recording the rotated secret key", c -> keyCheck.update(c, id, java.time.Instant.now()));
        }
        secrets.retireInactiveKeys();
        return id;
    }

    /**
     * Seals again the secrets of the first format (at open, skipping what cannot be opened: a replaced
     * key file must not keep the store closed) or, with {@code allKeys}, every secret not under the active
     * key (a rotation, which fails rather than retire a key something still needs).
     */
    private void resealStaleSecrets(boolean allKeys) {
        for (int pass = 0; pass < MAX_RESEAL_PASSES; pass++) {
            int stale = database.inTransaction("sealing stored secrets again with the active key",
                    c -> profiles.reseal(c, allKeys, !allKeys));
            if (stale == 0) {
                return;
            }
            if (pass == 0) {
                log.atInfo().addKeyValue("profiles", stale)
                        .addKeyValue("activeKey", secrets.activeKeyId()).log("stored secrets sealed again with the active key");
            }
        }
        throw new FerryException(ErrorCode.UNAVAILABLE,
                "Stored secrets kept changing while Ferry sealed them again with the new key; repeat the key rotation");
    }

    @Override
    public void insertToken(ApiToken token) {
        database.run("creating API token " + token.name(), c -> tokens.insert(c, token));
    }

    @Override
    public Optional<ApiToken> findTokenByHash(String tokenHash) {
        return database.inTransaction("looking up an API token", c -> tokens.findByHash(c, tokenHash));
    }

    @Override
    public List<ApiToken> listTokens() {
        return database.inTransaction("listing API tokens", tokens::list);
    }

    @Override
    public void deleteToken(String name) {
        database.run("revoking API token " + name, c -> tokens.delete(c, name));
    }

    @Override
    public void insertProfile(ConnectionProfile profile) {
        database.run("creating connection profile " + profile.name(), c -> profiles.insert(c, profile));
    }

    @Override
    public void updateProfile(ConnectionProfile profile) {
        database.run("updating connection profile " + profile.name(), c -> profiles.update(c, profile));
    }

    @Override
    public Optional<ConnectionProfile> findProfile(String name) {
        return database.inTransaction("reading connection profile " + name, c -> profiles.find(c, name));
    }

    @Override
    public List<ConnectionProfile> listProfiles() {
        return database.inTransaction("listing connection profiles", profiles::list);
    }

    @Override
    public void deleteProfile(String name) {
        database.run("deleting connection profile " + name, c -> profiles.delete(c, name));
    }

    @Override
    public void insertJob(MigrationJob job) {
        database.run("creating migration job " + job.name(), c -> jobs.insert(c, job));
    }

    @Override
    public void updateJob(MigrationJob job) {
        database.run("updating migration job " + job.name(), c -> {
            fence(c, job.name());
            jobs.update(c, job);
        });
    }

    @Override
    public Optional<MigrationJob> findJob(String name) {
        return database.inTransaction("reading migration job " + name, c -> jobs.find(c, name));
    }

    @Override
    public List<MigrationJob> listJobs() {
        return database.inTransaction("listing migration jobs", jobs::list);
    }

    @Override
    public void deleteJob(String name) {
        database.run("deleting migration job " + name, c -> {
            objects.deleteAll(c, name);
            events.deleteAll(c, name);
            lagHistory.deleteAll(c, name);
            checkpoints.deleteAll(c, name);
            jobs.delete(c, name);
        });
    }

    @Override
    public void upsertObject(JobObject object) {
        database.run("recording progress of %s in migration job %s".formatted(object.id(), object.job()),
                c -> {
                    fence(c, object.job());
                    objects.upsert(c, object);
                });
    }

    @Override
    public List<JobObject> listObjects(String job) {
        return database.inTransaction("listing objects of migration job " + job, c -> objects.list(c, job));
    }

    @Override
    public void deleteObjects(String job) {
        database.run("deleting objects of migration job " + job, c -> {
            fence(c, job);
            objects.deleteAll(c, job);
        });
    }

    @Override
    public void insertOperation(Operation operation) {
        database.run("creating operation " + operation.name(), c -> operations.insert(c, operation));
    }

    @Override
    public void updateOperation(Operation operation) {
        database.run("updating operation " + operation.name(), c -> operations.update(c, operation));
    }

    @Override
    public Optional<Operation> findOperation(String name) {
        return database.inTransaction("reading operation " + name, c -> operations.find(c, name));
    }

    @Override
    public Optional<Operation> findOperationByRequest(String requestId, String verb, String target) {
        Objects.requireNonNull(requestId, "requestId");
        return database.inTransaction("looking up the operation of request " + requestId,
                c -> operations.findByRequest(c, requestId, verb, target));
    }

    @Override
    public boolean claimRequest(String requestId, String verb, String target, Instant time) {
        return database.inTransaction("claiming request " + requestId, c -> operations.claim(c, requestId, verb, target, time));
    }

    @Override
    public void releaseRequest(String requestId, String verb, String target) {
        database.run("releasing request " + requestId, c -> operations.unclaim(c, requestId, verb, target));
    }

    @Override
    public void appendEvent(String job, Instant time, Severity severity, String message) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        database.run("recording an event of migration job " + job,
                c -> events.append(c, job, time, severity, message));
    }

    @Override
    public List<JobEvent> listEvents(String job, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return database.inTransaction("reading events of migration job " + job, c -> events.newest(c, job, limit));
    }

    @Override
    public int pruneEvents(Instant before, int keepPerJob) {
        if (keepPerJob < 1) {
            throw new IllegalArgumentException("keepPerJob must be at least 1: " + keepPerJob);
        }
        return database.inTransaction("pruning old job events", c -> events.prune(c, before, keepPerJob));
    }

    @Override
    public int pruneOperations(Instant before) {
        return database.inTransaction("pruning old operations", c -> operations.prune(c, before));
    }

    @Override
    public void appendLagSample(String job, LagSample sample) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(sample, "sample");
        database.run("recording the lag of migration job " + job, c -> lagHistory.append(c, job, sample));
    }

    @Override
    public List<LagSample> listLagSamples(String job, Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return database.inTransaction("reading the lag history of migration job " + job,
                c -> lagHistory.since(c, job, since, limit));
    }

    @Override
    public int pruneLagSamples(Instant before) {
        return database.inTransaction("pruning old lag samples", c -> lagHistory.prune(c, before));
    }

    @Override
    public List<Operation> listOperations(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return database.inTransaction("listing operations", c -> operations.newest(c, limit));
    }

    @Override
    public void putCheckpoint(String job, String key, String value) {
        Objects.requireNonNull(value, "value");
        database.run("saving checkpoint %s of migration job %s".formatted(key, job),
                c -> {
                    fence(c, job);
                    checkpoints.put(c, job, key, value);
                });
    }

    @Override
    public Optional<String> checkpoint(String job, String key) {
        return database.inTransaction("reading checkpoint %s of migration job %s".formatted(key, job),
                c -> checkpoints.get(c, job, key));
    }

    @Override
    public Map<String, String> checkpoints(String job) {
        return database.inTransaction("reading checkpoints of migration job " + job, c -> checkpoints.all(c, job));
    }

    @Override
    public void deleteCheckpoint(String job, String key) {
        database.run("deleting checkpoint %s of migration job %s".formatted(key, job), c -> {
            fence(c, job);
            if (!checkpoints.delete(c, job, key)) {
                throw StoreErrors.notFound("Checkpoint", "%s of migration job %s".formatted(key, job));
            }
        });
    }

    @Override
    public void deleteCheckpoints(String job) {
        database.run("deleting checkpoints of migration job " + job, c -> {
            fence(c, job);
            checkpoints.deleteAll(c, job);
        });
    }

    @Override
    public String installationId() {
        String known = installationId;
        if (known != null) {
            return known;
        }
        String id = database.inTransaction("reading the installation id", installation::find).orElseGet(() -> {
            try {
                return database.inTransaction("creating the installation id",
                        c -> installation.create(c, java.time.Instant.now()));
            } catch (dev.ferry.core.FerryException e) {
                // Another server sharing the store created it first: take theirs.
                return database.inTransaction("reading the installation id", installation::find).orElseThrow(() -> e);
            }
        });
        installationId = id;
        return id;
    }

    /** Closes the store; a {@link #fenced} view leaves it open (the store's owner closes it). */
    @Override
    public void close() {
        if (lease == null) {
            database.close();
        }
    }

    @Override
    public String toString() {
        return "JdbcStore[" + database.display() + (lease == null ? "" : ", fenced by " + lease) + "]";
    }
}
