/** PostgreSQL clusters run with initdb and pg_ctl, from the machine's packages or from binaries fetched from Maven Central. */
package dev.ferry.provisioner.local.postgres;
