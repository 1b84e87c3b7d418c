package dev.ferry.engine.mysql.schema;

/** A MariaDB sequence: its CREATE SEQUENCE statement and the next value it has not handed out or cached. */
public record SourceSequence(String name, String ddl, long nextValue) {
    public SourceSequence {
        if (name == null || name.isEmpty() || ddl == null || ddl.isEmpty()) {
            throw new IllegalArgumentException("a sequence needs a name and its DDL");
        }
    }
}
