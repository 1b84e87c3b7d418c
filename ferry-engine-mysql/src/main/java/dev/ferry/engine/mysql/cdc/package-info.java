/** Change data capture for MySQL and MariaDB: the binary log read as a replica and applied to the destination exactly once. */
package dev.ferry.engine.mysql.cdc;
