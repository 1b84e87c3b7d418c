/** Building a table's indexes on the destination as soon as its data is in, and attaching their constraints later. */
package dev.ferry.engine.postgres.index;
