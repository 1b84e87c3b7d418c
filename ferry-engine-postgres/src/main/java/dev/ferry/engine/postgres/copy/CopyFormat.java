package dev.ferry.engine.postgres.copy;

/** The COPY data format between source and destination. */
public enum CopyFormat {
    /** Fastest; only between servers of the same major version and for types whose binary form is portable. */
    BINARY("binary"),
    /** Portable across versions; relies on both sessions sharing DateStyle, TimeZone and float settings. */
    TEXT("text");

    private final String option;

    CopyFormat(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }
}
