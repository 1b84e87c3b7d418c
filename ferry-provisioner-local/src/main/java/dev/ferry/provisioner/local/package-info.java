/** The built-in {@code local} provisioner: PostgreSQL clusters and MariaDB servers as processes on this host. */
package dev.ferry.provisioner.local;
