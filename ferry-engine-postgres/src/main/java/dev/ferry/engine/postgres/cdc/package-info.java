/**
 * Change replication: the job's publication and logical slot with the snapshot exported at its creation, and the
 * pgoutput stream from that slot applied exactly once to the destination.
 */
package dev.ferry.engine.postgres.cdc;
