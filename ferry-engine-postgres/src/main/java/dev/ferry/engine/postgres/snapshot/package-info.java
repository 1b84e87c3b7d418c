/** The exported source snapshot a one-time copy reads from, and the {@code SourceSnapshot} built on it. */
package dev.ferry.engine.postgres.snapshot;
