/**
 * Validating a copy: server-side hashes of key ranges in a canonical text form, row drill-down by key, sequence
 * values, and a comparison of two databases' schemas read from information_schema.
 */
package dev.ferry.engine.mysql.validate;
