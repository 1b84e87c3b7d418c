/** The {@code ferry} command line: entry point, the command tree, exit codes and the composition root. */
package dev.ferry.cli;
