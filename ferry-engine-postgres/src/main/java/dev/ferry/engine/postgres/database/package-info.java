/** Creating destination databases like their source and clearing databases Ferry filled. */
package dev.ferry.engine.postgres.database;
