package dev.ferry.core;

import java.util.Objects;

/**
 * A password or key. {@link #toString()} never reveals it, so a secret that slips into a log line or
 * an exception message shows as {@code ***}. Read the value with {@link #reveal()} only where it is
 * handed to a driver or encrypted.
 */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return value == null ? null : new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "***";
    }
}
