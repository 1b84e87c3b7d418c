package dev.ferry.store;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The only place where the store's SQL differs between H2 and PostgreSQL: an atomic insert-or-replace.
 * Table and column names passed here are the store's own constants, never user input.
 */
enum SqlDialect {
    H2 {
        @Override
        String upsert(String table, List<String> keys, List<String> others) {
            List<String> all = concat(keys, others);
            return "MERGE INTO %s (%s) KEY (%s) VALUES (%s)".formatted(
                    table, String.join(", ", all), String.join(", ", keys), placeholders(all.size()));
        }
    },
    POSTGRESQL {
        @Override
        String upsert(String table, List<String> keys, List<String> others) {
            List<String> all = concat(keys, others);
            String updates = others.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
            return "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s".formatted(
                    table, String.join(", ", all), placeholders(all.size()), String.join(", ", keys), updates);
        }
    };

    /**
     * An insert-or-replace of one row identified by {@code keys}; parameters are bound in the order
     * keys, then others.
     */
    abstract String upsert(String table, List<String> keys, List<String> others);

    static SqlDialect of(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        // Only the scheme is shown: the rest of a URL may carry a password.
        int second = lower.indexOf(':', lower.indexOf(':') + 1);
        String what = second > 0 ? "with scheme " + lower.substring(0, second) : "that is not a JDBC URL";
        throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                "Unsupported metadata store URL %s; use jdbc:postgresql://HOST:PORT/DATABASE, or leave it unset for the embedded H2 store"
                        .formatted(what));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
