/**
 * What an engine gives Ferry's validation: hashes of key ranges computed on the server, rows drilled down to by key,
 * and sequence values. The algorithm (chunking, comparing, splitting mismatches, re-checking under replication) lives
 * in the control plane and is the same for every engine.
 */
package dev.ferry.core.spi.validate;
