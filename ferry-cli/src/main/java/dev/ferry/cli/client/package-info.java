/** The HTTP client of the REST API used by every client command, with the options they share. */
package dev.ferry.cli.client;
