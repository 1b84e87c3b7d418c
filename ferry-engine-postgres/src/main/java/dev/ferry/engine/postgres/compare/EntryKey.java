package dev.ferry.engine.postgres.compare;

import java.util.Objects;

/**
 * What a pg_dump entry is about, as its header names it: the type ({@code INDEX}, {@code FK CONSTRAINT},
 * {@code COMMENT}...), the schema (empty for objects outside schemas) and pg_dump's tag, which for objects
 * of a table is {@code "table name"} and for comments and privileges {@code "TABLE t"}, {@code "COLUMN t.c"}.
 * Tags are not quoted; equal keys on two servers name the same object.
 */
public record EntryKey(String type, String schema, String name) implements Comparable<EntryKey> {
    public EntryKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    /** {@code index public.orders_idx}, {@code schema sales}, {@code comment public.TABLE t}. */
    @Override
    public String toString() {
        String kind = type.toLowerCase(java.util.Locale.ROOT);
        return schema.isEmpty() ? kind + " " + name : kind + " " + schema + "." + name;
    }

    @Override
    public int compareTo(EntryKey other) {
        int byType = type.compareTo(other.type);
        if (byType != 0) {
            return byType;
        }
        int bySchema = schema.compareTo(other.schema);
        return bySchema != 0 ? bySchema : name.compareTo(other.name);
    }
}
