package dev.ferry.engine.postgres.compare;

import dev.ferry.core.model.TableRef;

/**
 * One way the destination's schema of a database differs from the source's: a pg_dump entry present on one
 * side only or different, a column aspect, or a CHECK constraint written inside a table's definition.
 */
public sealed interface SchemaDifference {
    /** The object, for people: {@code index public.orders_idx}, {@code column public.t.c}. */
    String object();

    /** What differs, for people. */
    String detail();

    /** Where an entry is. */
    enum Presence {
        SOURCE_ONLY, DESTINATION_ONLY, BOTH
    }

    /** A pg_dump entry only on one side ({@code source} or {@code destination} null), or on both with different text. */
    record Entry(Presence presence, EntryKey key, DumpEntry source, DumpEntry destination) implements SchemaDifference {
        @Override
        public String object() {
            return key.toString();
        }

        @Override
        public String detail() {
            return switch (presence) {
                case SOURCE_ONLY -> "only on the source";
                case DESTINATION_ONLY -> "only on the destination";
                case BOTH -> "defined differently";
            };
        }
    }

    /** What of a column can differ. */
    enum Aspect {
        PRESENCE, TYPE, COLLATION, NOT_NULL, DEFAULT, GENERATED, IDENTITY
    }

    /**
     * One aspect of a column of a table present on both sides; {@code source} and {@code destination} are the
     * aspect's values there as text (null: absent, no default, no identity...).
     */
    record Column(TableRef table, String column, Aspect aspect, String source, String destination)
            implements SchemaDifference {
        @Override
        public String object() {
            return "column " + table + "." + column;
        }

        @Override
        public String detail() {
            if (aspect == Aspect.PRESENCE) {
                return source == null || source.equals("absent") ? "only on the destination" : "only on the source";
            }
            if (aspect == Aspect.NOT_NULL) {
                return "%s on the source, %s on the destination".formatted(source, destination);
            }
            String what = switch (aspect) {
                case PRESENCE, NOT_NULL -> throw new IllegalStateException("handled above");
                case TYPE -> "type";
                case COLLATION -> "collation";
                case DEFAULT -> "default";
                case GENERATED -> "generation expression";
                case IDENTITY -> "identity";
            };
            return "%s is %s on the source, %s on the destination".formatted(what, shown(source), shown(destination));
        }
    }

    /** A CHECK constraint inside a table's definition, only on one side (null definition) or defined differently. */
    record Check(TableRef table, String name, String source, String destination) implements SchemaDifference {
        @Override
        public String object() {
            return "check constraint " + name + " on " + table;
        }

        @Override
        public String detail() {
            return source == null ? "only on the destination"
                    : destination == null ? "only on the source" : "is %s on the source, %s on the destination"
                            .formatted(source, destination);
        }
    }

    private static String shown(String value) {
        return value == null ? "none" : value;
    }
}
