/** Streaming table rows, large objects and sequence values from the source snapshot into the destination. */
package dev.ferry.engine.postgres.copy;
