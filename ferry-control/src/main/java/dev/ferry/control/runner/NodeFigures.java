package dev.ferry.control.runner;

/**
 * What this node does now, for its metrics: the jobs it holds leases on, how many it runs at most, how many renewals
 * of its leases failed and how many leases it lost to another node since it started, and whether it drains.
 */
public record NodeFigures(String node, int jobsHeld, int maxJobs, long leaseRenewalsFailed, long leasesLost,
        boolean draining) {}
