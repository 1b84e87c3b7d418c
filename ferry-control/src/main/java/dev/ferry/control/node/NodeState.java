package dev.ferry.control.node;

/**
 * How a node stands, as the store shows it: {@code ALIVE} takes jobs; {@code DRAINING} was asked to drain and still holds
 * jobs (or has not yet seen the request); {@code DRAINED} takes no jobs and holds none; {@code DEAD} has not renewed
 * its row for longer than its lease timeout (its jobs move to other nodes).
 */
public enum NodeState {
    ALIVE, DRAINING, DRAINED, DEAD
}
