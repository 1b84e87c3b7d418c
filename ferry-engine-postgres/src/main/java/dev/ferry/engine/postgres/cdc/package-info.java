/** PostgreSQL change data capture: pgoutput streamed from the job's slot, applied exactly once to the destination. */
package dev.ferry.engine.postgres.cdc;
