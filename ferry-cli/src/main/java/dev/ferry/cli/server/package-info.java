/** The {@code ferry server} command: the control plane daemon with its REST API and logging. */
package dev.ferry.cli.server;
