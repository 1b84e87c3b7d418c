package dev.ferry.core.model;

import dev.ferry.core.ErrorCode;
import dev.ferry.core.FerryException;
import java.util.Locale;

/** What a validation compares: nothing, the rows, the schema, or both (full). */
public enum ValidationMode {
    NONE,
    DATA,
    SCHEMA,
    FULL;

    /** {@code none}, {@code data} or {@code full}, any case; null for null or blank. {@code field} names the setting. */
    public static ValidationMode parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new FerryException(ErrorCode.INVALID_ARGUMENT,
                    "%s '%s' is not known; use none, data, schema or full".formatted(field, text), e);
        }
    }
}
