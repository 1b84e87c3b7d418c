package dev.ferry.server.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How the API writes times: ISO-8601 instants in UTC and durations in seconds such as {@code "12.5s"}. */
public final class Times {
    private Times() {}

    /** {@code 2025-01-31T12:00:00.123Z}, or null for null. */
    public static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Seconds with one decimal and an {@code s} suffix: {@code "12.5s"}. */
    public static String duration(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}
