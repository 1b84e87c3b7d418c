package dev.ferry.engine.postgres.schema;

/** The pg_dump sections Ferry copies around the data. */
public enum DumpSection {
    /** Schemas, types, functions, tables without their indexes, sequences, large-object metadata. */
    PRE_DATA("pre-data"),
    /** Indexes, constraints, triggers, rules, policies, publications, matview refreshes. */
    POST_DATA("post-data");

    private final String option;

    DumpSection(String option) {
        this.option = option;
    }

    /** The value of pg_dump's {@code --section}. */
    public String option() {
        return option;
    }
}
