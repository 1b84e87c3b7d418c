/**
 * Change data capture for MySQL and MariaDB: the binary log read as a replica ({@link
 * dev.ferry.engine.mysql.cdc.BinlogChangeSource}) and applied to the destination exactly once by the apply partitions'
 * sessions ({@link dev.ferry.engine.mysql.cdc.ChangeApplier}), through the core change pipeline.
 */
package dev.ferry.engine.mysql.cdc;
