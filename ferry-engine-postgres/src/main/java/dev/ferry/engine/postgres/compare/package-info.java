/** Comparing tables after a copy: exact row counts and order-independent content hashes. */
package dev.ferry.engine.postgres.compare;
