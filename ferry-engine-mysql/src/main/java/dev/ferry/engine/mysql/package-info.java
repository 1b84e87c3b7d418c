/** The MySQL and MariaDB engine: the provider, connections, flavor detection and error mapping. */
package dev.ferry.engine.mysql;
