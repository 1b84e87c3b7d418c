package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.JobEvent;
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
    private final CheckpointTable checkpoints;
    private final TokenTable tokens = new TokenTable();
    private final SecretBox secrets;

    /** Passes over the profiles a key rotation makes at most before it gives up on a moving target. */
    private static final int MAX_RESEAL_PASSES = 10;

    private final InstallationTable installation = new InstallationTable();
    private volatile String installationId;

    private JdbcStore(Database database, SecretBox secrets) {
        this.database = database;
        this.secrets = secrets;
        this.profiles = new ProfileTable(new SpecCodec(secrets));
        this.objects = new ObjectTable(database.dialect());
        this.checkpoints = new CheckpointTable(database.dialect());
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
        SecretBox secrets = SecretBox.open(config.keyFile());
        JdbcStore store = new JdbcStore(Database.open(config), secrets);
        try {
            store.resealStaleSecrets(false);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
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
        database.run("updating migration job " + job.name(), c -> jobs.update(c, job));
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
            checkpoints.deleteAll(c, name);
            jobs.delete(c, name);
        });
    }

    @Override
    public void upsertObject(JobObject object) {
        database.run("recording progress of %s in migration job %s".formatted(object.id(), object.job()),
                c -> objects.upsert(c, object));
    }

    @Override
    public List<JobObject> listObjects(String job) {
        return database.inTransaction("listing objects of migration job " + job, c -> objects.list(c, job));
    }

    @Override
    public void deleteObjects(String job) {
        database.run("deleting objects of migration job " + job, c -> objects.deleteAll(c, job));
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
    public void putCheckpoint(String job, String key, String value) {
        Objects.requireNonNull(value, "value");
        database.run("saving checkpoint %s of migration job %s".formatted(key, job),
                c -> checkpoints.put(c, job, key, value));
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
            if (!checkpoints.delete(c, job, key)) {
                throw StoreErrors.notFound("Checkpoint", "%s of migration job %s".formatted(key, job));
            }
        });
    }

    @Override
    public void deleteCheckpoints(String job) {
        database.run("deleting checkpoints of migration job " + job, c -> checkpoints.deleteAll(c, job));
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

    @Override
    public void close() {
        database.close();
    }

    @Override
    public String toString() {
        return "JdbcStore[" + database.display() + "]";
    }
}
