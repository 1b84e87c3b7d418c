/** The source side of change replication: the job's publication and logical slot, and the snapshot exported with the slot. */
package dev.ferry.engine.postgres.cdc;
