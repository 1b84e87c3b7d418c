package dev.ferry.store;

import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.MigrationJob;
import dev.ferry.core.model.Operation;
import dev.ferry.core.model.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ferry's durable facts. Every method is one transaction, blocks, and is thread-safe. Secrets inside
 * profiles are encrypted before they are written and decrypted when read. Writes to a missing row
 * throw {@code FerryException(NOT_FOUND)}; inserts of an existing name throw
 * {@code FerryException(ALREADY_EXISTS)}; a store that cannot be reached throws {@code UNAVAILABLE}.
 */
public interface Store extends AutoCloseable {

    void insertProfile(ConnectionProfile profile);

    void updateProfile(ConnectionProfile profile);

    Optional<ConnectionProfile> findProfile(String name);

    /** All profiles, by name. */
    List<ConnectionProfile> listProfiles();

    void deleteProfile(String name);

    void insertJob(MigrationJob job);

    void updateJob(MigrationJob job);

    Optional<MigrationJob> findJob(String name);

    /** All jobs, by name. */
    List<MigrationJob> listJobs();

    /** Deletes the job with its objects, events and checkpoints. */
    void deleteJob(String name);

    /** Inserts or replaces the object identified by (job, database, schema, table). */
    void upsertObject(JobObject object);

    /** The job's objects ordered by database, schema, table. */
    List<JobObject> listObjects(String job);

    void deleteObjects(String job);

    void insertOperation(Operation operation);

    void updateOperation(Operation operation);

    Optional<Operation> findOperation(String name);

    /** The operation created with this request id for this verb and target, if any. */
    Optional<Operation> findOperationByRequest(String requestId, String verb, String target);

    void appendEvent(String job, Instant time, Severity severity, String message);

    /** The newest {@code limit} events of the job, oldest first. */
    List<JobEvent> listEvents(String job, int limit);

    /**
     * Removes events older than {@code before}, and each job's events beyond its newest {@code keepPerJob};
     * returns how many were removed.
     */
    int pruneEvents(Instant before, int keepPerJob);

    /** Removes finished operations that ended before {@code before}; returns how many were removed. */
    int pruneOperations(Instant before);

    void putCheckpoint(String job, String key, String value);

    Optional<String> checkpoint(String job, String key);

    Map<String, String> checkpoints(String job);

    void deleteCheckpoint(String job, String key);

    void deleteCheckpoints(String job);

    void insertToken(ApiToken token);

    /** The token whose SHA-256 (hex) is {@code tokenHash}, expired or not. */
    Optional<ApiToken> findTokenByHash(String tokenHash);

    /** All tokens (names, roles, hashes), by name. */
    List<ApiToken> listTokens();

    void deleteToken(String name);

    /**
     * Makes a new key seal secrets at rest, seals every stored secret again with it and retires the old
     * keys, while the store stays in use. Returns the new key's id.
     */
    String rotateSecretKey();

    /**
     * This installation's identity: a short random id of lower-case letters and digits, created once per
     * store (by whichever server asks first) and the same for every Ferry server sharing the store.
     */
    String installationId();

    @Override
    void close();
}
