package dev.ferry.engine.postgres.catalog;

/** One catalog object as pg_dump identifies it: the oid of the catalog table it lives in, and its own oid. */
public record CatalogObject(long catalog, long oid) {
    /** {@code pg_class}: tables, indexes. */
    public static final long PG_CLASS = 1259;
    /** {@code pg_constraint}. */
    public static final long PG_CONSTRAINT = 2606;
}
