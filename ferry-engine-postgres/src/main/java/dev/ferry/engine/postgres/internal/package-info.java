/** Small mechanisms shared inside the engine; not part of any contract. */
package dev.ferry.engine.postgres.internal;
