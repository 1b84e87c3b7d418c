package dev.ferry.engine.mysql.copy;

import dev.ferry.core.model.DatabaseConnection;
import dev.ferry.engine.mysql.chunk.RangePredicate;
import dev.ferry.engine.mysql.schema.TableSchema;
import java.sql.Connection;

/**
 * The rows of one chunk on the source: read through {@code connection} (a snapshot worker) on {@code server}, from
 * {@code table}, those matching {@code where}; {@code estimatedRowBytes} (0 when unknown) sizes the fetches.
 */
public record SourceRows(Connection connection, DatabaseConnection server, TableSchema table, RangePredicate where,
        long estimatedRowBytes) {}
