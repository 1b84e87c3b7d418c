/** The consistent source snapshot: global read lock, worker transactions, binlog position, and the pool of workers. */
package dev.ferry.engine.mysql.snapshot;
