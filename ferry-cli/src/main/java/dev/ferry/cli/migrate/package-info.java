/** The {@code ferry migrate} command: a whole migration in this process, from two database URLs. */
package dev.ferry.cli.migrate;
