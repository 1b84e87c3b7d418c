package dev.ferry.engine.postgres.compare;

import java.util.List;

/**
 * The schemas of one database on the source and the destination as read for a comparison, and what differs
 * between them. Immutable.
 */
public record SchemaComparison(String database, Side source, Side destination, List<SchemaDifference> differences) {
    public SchemaComparison {
        differences = List.copyOf(differences);
    }

    /** One server's schema: pg_dump's entries and the catalogs' shapes. */
    public record Side(SchemaText.Dump dump, CatalogShapes shapes) {}

    public boolean isEmpty() {
        return differences.isEmpty();
    }
}
