/** The PostgreSQL engine: the {@code Engine} implementation and its ServiceLoader provider. */
package dev.ferry.engine.postgres;
