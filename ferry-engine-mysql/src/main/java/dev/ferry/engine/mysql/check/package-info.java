/** Checks before a job starts: source and destination settings and privileges, answered as findings. */
package dev.ferry.engine.mysql.check;
