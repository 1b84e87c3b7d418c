package dev.ferry.core.model;

/**
 * Connections a running job holds (or may open) to its source server, reserved in the store before its runner starts
 * and released when it ends. {@code epoch} is the lease epoch of the job on {@code node} when several nodes share the
 * store (the reservation lapses once the lease moves on), 0 on a server that runs every job itself.
 */
public record SourceReservation(String job, String node, String server, int connections, long epoch) {
    public SourceReservation {
        if (job == null || job.isBlank() || node == null || node.isBlank() || server == null || server.isBlank()) {
            throw new IllegalArgumentException("a reservation names its job, node and source server");
        }
        if (connections < 1) {
            throw new IllegalArgumentException("a reservation holds at least one connection: " + connections);
        }
    }

    /** Why a reservation does not fit now: {@code scope}'s {@code name} has {@code inUse} of {@code limit} reserved. */
    public record Shortfall(Scope scope, String name, int inUse, int limit) {}

    /** What bounds a reservation: the node's budget, or the source server's cap shared by every node. */
    public enum Scope { NODE, SERVER }
}
