package dev.ferry.core;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Identifier quoting for each SQL dialect. The only code allowed to put identifiers into SQL text. */
public enum Dialect {
    POSTGRESQL('"'),
    MYSQL('`');

    private final String q;

    Dialect(char quote) {
        this.q = String.valueOf(quote);
    }

    /** Quotes each part, doubling embedded quote characters, and joins the parts with '.'. */
    public String quote(String... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("nothing to quote");
        }
        return Arrays.stream(parts).map(this::quoteOne).collect(Collectors.joining("."));
    }

    /** Quotes a string literal (for the few statements that take no bind parameters, such as DDL). */
    public String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a literal cannot contain NUL");
        }
        String escaped = value.replace("'", "''");
        if (this == MYSQL) {
            escaped = escaped.replace("\\", "\\\\");
        }
        return "'" + escaped + "'";
    }

    private String quoteOne(String part) {
        if (part == null || part.isEmpty() || part.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid identifier: " + part);
        }
        return q + part.replace(q, q + q) + q;
    }
}
