/** The {@code ferry operations} commands. */
package dev.ferry.cli.operation;
