package dev.ferry.control;

import dev.ferry.control.access.SecretKeys;
import dev.ferry.control.access.TokenService;
import dev.ferry.control.job.JobService;
import dev.ferry.control.node.NodeService;
import dev.ferry.control.operation.Operations;
import dev.ferry.control.profile.ProfileService;
import dev.ferry.control.registry.EngineRegistry;
import dev.ferry.control.registry.ProvisionerRegistry;
import dev.ferry.control.runner.JobLocks;
import dev.ferry.control.runner.LocalJobScheduler;
import dev.ferry.control.runner.Runners;
import dev.ferry.control.validate.ValidationService;
import dev.ferry.control.verify.Verifier;
import dev.ferry.store.Store;
import java.time.Clock;

/**
 * The control plane's services, wired together. Closing it stops the runners (their jobs keep their
 * recorded state, so the next start resumes them) but leaves the store open for its owner to close.
 */
public final class ControlPlane implements AutoCloseable {
    private final ProfileService profiles;
    private final JobService jobs;
    private final Operations operations;
    private final Runners runners;
    private final TokenService tokens;
    private final SecretKeys secretKeys;
    private final ValidationService validations;
    private final NodeService nodes;
    private final dev.ferry.control.source.SourceLimitService sourceLimits;

    private ControlPlane(ProfileService profiles, JobService jobs, Operations operations, Runners runners,
            Access access, ValidationService validations, NodeService nodes) {
        this.nodes = nodes;
        this.sourceLimits = new dev.ferry.control.source.SourceLimitService(access.store(), operations, access.clock());
        this.validations = validations;
        this.profiles = profiles;
        this.jobs = jobs;
        this.operations = operations;
        this.runners = runners;
        this.tokens = access.tokens();
        this.secretKeys = access.secretKeys();
    }

    /** The services that decide who may call, grouped to keep the constructor short. */
    private record Access(TokenService tokens, SecretKeys secretKeys, Store store, Clock clock) {}

    public static ControlPlane wire(Store store, EngineRegistry engines, ProvisionerRegistry provisioners, Clock clock) {
        return wire(store, engines, provisioners, clock, null);
    }

    /**
     * The control plane of one node among several sharing {@code store} ({@code cluster} not null): each job runs on
     * the node holding its lease. With {@code cluster} null this server runs every job itself.
     */
    public static ControlPlane wire(Store store, EngineRegistry engines, ProvisionerRegistry provisioners, Clock clock,
            Runners.Cluster cluster) {
        return wire(store, engines, provisioners, clock, cluster, cluster == null
                ? dev.ferry.control.runner.SourceBudget.Settings.UNBOUNDED
                : new dev.ferry.control.runner.SourceBudget.Settings(cluster.settings().node(), null));
    }

    /**
     * The control plane as {@link #wire(Store, EngineRegistry, ProvisionerRegistry, Clock, Runners.Cluster)}, whose
     * jobs reserve their source connections within {@code budget} (this node's name and bound) before they start.
     */
    public static ControlPlane wire(Store store, EngineRegistry engines, ProvisionerRegistry provisioners, Clock clock,
            Runners.Cluster cluster, dev.ferry.control.runner.SourceBudget.Settings budget) {
        var operations = new Operations(store, clock);
        var locks = new JobLocks();
        var profiles = new ProfileService(store, engines, provisioners, operations, clock,
                cluster == null ? null : cluster.settings().node());
        var runners = new Runners(store, engines, new LocalJobScheduler(), locks, operations, clock, cluster,
                budget);
        var jobs = new JobService(store, runners, new Verifier(store, engines), operations, profiles, locks, clock);
        var access = new Access(new TokenService(store, operations, clock), new SecretKeys(store, operations), store, clock);
        var validations = new ValidationService(store, engines, operations, job -> runners.replications().clock(job),
                runners.replications().ledger(), clock);
        return new ControlPlane(profiles, jobs, operations, runners, access, validations, new NodeService(store, runners, clock));
    }

    /** The caps on source servers shared by every node, and the connections jobs reserve. */
    public dev.ferry.control.source.SourceLimitService sourceLimits() {
        return sourceLimits;
    }

    /** The nodes sharing the store and the job leases they hold. */
    public NodeService nodes() {
        return nodes;
    }

    /** This node's settings when it shares its store with other nodes; empty when it runs every job itself. */
    public java.util.Optional<dev.ferry.control.runner.JobLeases.Settings> node() {
        return runners.node();
    }

    /**
     * Stops this node's runners without handing their jobs to other nodes, as if the process died (their leases
     * expire, then other nodes resume them). For fault drills and tests; close it afterwards.
     */
    public void abandon() {
        runners.abandon();
    }

    public ProfileService profiles() {
        return profiles;
    }

    public JobService jobs() {
        return jobs;
    }

    /** Validations of jobs: data and schema compared between source and destination. */
    public ValidationService validations() {
        return validations;
    }

    public Operations operations() {
        return operations;
    }

    /** API tokens: create, list, revoke, and authenticate a call. */
    public TokenService tokens() {
        return tokens;
    }

    /** The key of secrets at rest. */
    public SecretKeys secretKeys() {
        return secretKeys;
    }

    /** Starts managed instances again, then resumes the jobs that were working. */
    public void recover() {
        profiles.startManagedInstances();
        runners.startNode();
        jobs.recover();
    }

    @Override
    public void close() {
        validations.close();
        runners.close();
        jobs.close();
        profiles.close();
    }
}
