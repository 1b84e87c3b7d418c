/** The {@code ferry migration-jobs} commands. */
package dev.ferry.cli.job;
