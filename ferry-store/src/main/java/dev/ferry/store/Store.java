package dev.ferry.store;

import dev.ferry.core.model.ApiToken;
import dev.ferry.core.model.ConnectionProfile;
import dev.ferry.core.model.JobEvent;
import dev.ferry.core.model.JobObject;
import dev.ferry.core.model.LagSample;
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

    /** Deletes the job with its objects, events, lag samples and checkpoints. */
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

    /**
     * Claims {@code requestId} for {@code verb} on {@code target} before the call runs: true for the first claim, false
     * when the request was claimed before (by this server or another sharing the store). Claims are pruned with the
     * finished operations.
     */
    boolean claimRequest(String requestId, String verb, String target, Instant time);

    /** Gives a claim up: the call failed without an operation, so a retry may run it again. */
    void releaseRequest(String requestId, String verb, String target);

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

    /** Records one point of the job's replication lag over time. */
    void appendLagSample(String job, LagSample sample);

    /** The job's lag samples taken at or after {@code since}, oldest first; at most the newest {@code limit}. */
    List<LagSample> listLagSamples(String job, Instant since, int limit);

    /** Removes lag samples taken before {@code before}; returns how many were removed. */
    int pruneLagSamples(Instant before);

    /** The newest {@code limit} operations, newest first. */
    List<Operation> listOperations(int limit);

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

    /**
     * A view of this store for the runner of {@code lease.job()}: its writes of that job (status, objects,
     * checkpoints) are made only while {@code lease} is the job's current lease, checked in the same transaction, and
     * are refused otherwise (see {@link LeaseLost}) without writing anything. Everything else behaves as this store.
     * Closing the view leaves this store open.
     */
    Store fenced(dev.ferry.core.model.JobLease lease);

    /**
     * The fence of a {@link #fenced} view, for the runner's writes outside the store (the destination, the source):
     * its epoch is the lease's, and its check refuses with {@link LeaseLost}'s refusal once the lease is no longer
     * this node's. {@link dev.ferry.core.spi.engine.Fence#NONE} for the store itself.
     */
    dev.ferry.core.spi.engine.Fence fence();

    /** Records that {@code node} is alive (inserting or replacing its row). */
    void heartbeatNode(dev.ferry.core.model.ClusterNode node);

    /** Removes a node's row (it stopped cleanly). */
    void removeNode(String name);

    /**
     * Records that the named node should stop taking jobs and hand its jobs to the others ({@code drain}), or take jobs
     * again; the node reads it with its next heartbeat. Returns false when no node of that name is registered.
     */
    boolean requestNodeDrain(String name, boolean drain);

    /** Records that {@code node} created, and supervises, the managed instance of profile {@code profile}. */
    void recordInstanceNode(String profile, String node);

    /** The node that created the managed instance of {@code profile}, when one recorded it (a shared store). */
    Optional<String> instanceNode(String profile);

    /** The nodes sharing this store, by name, as they last reported themselves. */
    List<dev.ferry.core.model.ClusterNode> listNodes();

    /** The job leases held now, by job (none with the embedded store, where one server runs every job). */
    List<dev.ferry.core.model.JobLease> listLeases();

    /** The caps on source servers, by server. */
    List<dev.ferry.core.model.SourceLimit> listSourceLimits();

    /** Sets (inserting or replacing) the cap on one source server. */
    void putSourceLimit(dev.ferry.core.model.SourceLimit limit);

    /** Removes the cap on {@code server}; whether there was one. */
    boolean deleteSourceLimit(String server);

    /** The source connections reserved by running jobs now (reservations whose lease moved on left out), by job. */
    List<dev.ferry.core.model.SourceReservation> listSourceReservations();

    /**
     * Reserves {@code wanted} (replacing the job's earlier reservation) if, in one transaction, the node's reservations
     * stay within {@code nodeMax} (null: no bound) and the source server's within its cap (see
     * {@link #putSourceLimit}); answers what does not fit otherwise, reserving nothing. Reservations of nodes sharing
     * the store whose job lease moved on (the node died) are removed first.
     */
    Optional<dev.ferry.core.model.SourceReservation.Shortfall> reserveSource(dev.ferry.core.model.SourceReservation wanted,
            Integer nodeMax);

    /** Removes the job's reservation if {@code node} holds it under lease epoch {@code epoch}. */
    void releaseSource(String job, String node, long epoch);

    /**
     * Removes every reservation taken without a lease (epoch 0): a server that runs every job itself (the embedded
     * store, which one process uses at a time) starts, so none of their runners is left, whatever the node was called.
     */
    int releaseUnleasedSources();

    @Override
    void close();
}
