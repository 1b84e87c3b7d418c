/** What child processes (database servers, pg_dump, psql) get from Ferry: a minimal environment and private files. */
package dev.ferry.core.process;
