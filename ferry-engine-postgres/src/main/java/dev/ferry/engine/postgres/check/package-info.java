/** Findings about a source or destination server before a job starts: settings, privileges, tools, extensions and roles. */
package dev.ferry.engine.postgres.check;
