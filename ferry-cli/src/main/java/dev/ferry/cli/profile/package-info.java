/** The {@code ferry connection-profiles} commands. */
package dev.ferry.cli.profile;
