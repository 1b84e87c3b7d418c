/**
 * Validating a database's data and schema on PostgreSQL: key ranges planned from the key index, range and row
 * hashes computed on the server over the values' portable text, sequence values, and schema differences as findings.
 */
package dev.ferry.engine.postgres.validate;
