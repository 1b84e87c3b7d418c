/** Splitting a table into key ranges: choosing the key, planning the ranges, their stable ids and the SQL that selects them. */
package dev.ferry.engine.mysql.chunk;
