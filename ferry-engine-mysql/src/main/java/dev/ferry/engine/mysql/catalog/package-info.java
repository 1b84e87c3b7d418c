/** Reading information_schema into model records: databases, user objects, tables, columns, and content hashes. */
package dev.ferry.engine.mysql.catalog;
