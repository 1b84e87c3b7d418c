/** Demoting an existing destination to read-only while Ferry replicates into it, and restoring it exactly. */
package dev.ferry.engine.postgres.demote;
