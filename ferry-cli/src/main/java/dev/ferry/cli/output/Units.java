package dev.ferry.cli.output;

import java.time.Duration;
import java.util.Locale;

/** Numbers for people: counts with thousands separators, bytes in binary units, rates and durations. */
public final class Units {
    private Units() {}

    /** {@code 1234567} -> {@code 1,234,567}. */
    public static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** Bytes in B, KiB... shown as {@code 0 B}, {@code 12.3 MB} (binary multiples, short names). */
    public static String bytes(long value) {
        if (value < 1024) {
            return value + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double scaled = value;
        int unit = -1;
        while (scaled >= 1024 && unit < units.length - 1) {
            scaled /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, scaled >= 100 ? "%.0f %s" : "%.1f %s", scaled, units[unit]);
    }

    /** A rate per second: {@code 45.1k rows/s}, {@code 12.4 MB/s}. */
    public static String rowsPerSecond(double rows) {
        return compact(rows) + " rows/s";
    }

    public static String bytesPerSecond(double bytes) {
        return bytes((long) bytes) + "/s";
    }

    /** {@code 950}, {@code 45.1k}, {@code 1.2M}, {@code 3.4G}. */
    public static String compact(double value) {
        if (value < 1000) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (value < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", value / 1000);
        }
        if (value < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1fM", value / 1_000_000);
        }
        return String.format(Locale.ROOT, "%.1fG", value / 1_000_000_000);
    }

    /** {@code 4s}, {@code 1m05s}, {@code 2h03m}. */
    public static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
