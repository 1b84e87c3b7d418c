/**
 * Comparing a database on two servers: tables' row counts and content hashes, and schemas (pg_dump's entries and
 * the catalogs) with the plan and the run that reconcile the destination's schema to the source's.
 */
package dev.ferry.engine.postgres.compare;
