package dev.ferry.engine.postgres.catalog;

import java.util.Objects;

/**
 * A database's encoding and locale as {@code pg_database} records them. {@code provider} is
 * {@code c} (libc), {@code i} (ICU) or {@code b} (builtin); {@code locale} is the ICU or builtin
 * locale, null for libc.
 */
public record DatabaseLocale(String encoding, String collate, String ctype, String provider, String locale) {
    public DatabaseLocale {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(collate, "collate");
        Objects.requireNonNull(ctype, "ctype");
        provider = provider == null ? "c" : provider;
    }
}
