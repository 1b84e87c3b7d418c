/** Declarative calls: PUT a connection profile or a migration job to create or update it to match, or plan it. */
package dev.ferry.server.declare;
