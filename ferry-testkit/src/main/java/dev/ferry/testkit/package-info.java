/** JUnit 5 extensions that give tests real PostgreSQL and MariaDB servers, started once per JVM through the local provisioner. */
package dev.ferry.testkit;
