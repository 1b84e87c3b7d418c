package dev.ferry.engine.postgres.catalog;

/**
 * The parts of a {@code pg_type} row that decide how a value travels in binary COPY: its kind
 * ({@code typtype}), array element, domain base type, length, and range subtype (0 when not a range).
 */
public record PgType(long oid, char kind, long element, long baseType, int length, long rangeSubtype) {
    /** Oids below this are assigned at initdb and equal on every server of a major version. */
    public static final long FIRST_NORMAL_OID = 16384;

    public boolean isBuiltIn() {
        return oid < FIRST_NORMAL_OID;
    }

    /** A varlena array (typelem set and variable length), whose binary form embeds the element type's oid. */
    public boolean isArray() {
        return element != 0 && length == -1;
    }
}
