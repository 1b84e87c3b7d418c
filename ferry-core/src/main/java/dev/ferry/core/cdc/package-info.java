/**
 * The change pipeline both engines replicate through: an engine's {@link dev.ferry.core.cdc.ChangeSource} streams
 * decoded changes, a reader thread runs ahead through a queue bounded in bytes, {@link dev.ferry.core.cdc.ChangePipeline}
 * batches many source transactions per destination transaction, compacts them by key ({@link
 * dev.ferry.core.cdc.NetChanges}), spreads them over N apply partitions by table and key, and each partition's
 * {@link dev.ferry.core.cdc.ChangeSink} applies its share set-based and records its own position in the same
 * destination transaction. No JDBC here: engines own their SQL.
 */
package dev.ferry.core.cdc;
