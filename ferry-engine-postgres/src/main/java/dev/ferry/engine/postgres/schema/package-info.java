/** Copying schema with the client tools: pg_dump sections piped into psql, and finding those tools. */
package dev.ferry.engine.postgres.schema;
