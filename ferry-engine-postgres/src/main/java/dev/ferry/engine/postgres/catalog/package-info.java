/** Reading pg_catalog: server facts, databases, user objects, tables, columns, types, roles and sequences. */
package dev.ferry.engine.postgres.catalog;
