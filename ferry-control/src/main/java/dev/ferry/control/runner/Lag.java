package dev.ferry.control.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** How far a continuous job's destination is behind its source, as last measured. */
public record Lag(Duration time, long bytes, Instant measured) {
    static final String CHECKPOINT = "lag";

    String text() {
        return time.toMillis() + "," + bytes + "," + measured.toEpochMilli();
    }

    static Optional<Lag> parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 3) {
            return Optional.empty();
        }
        return Optional.of(new Lag(Duration.ofMillis(Long.parseLong(parts[0])), Long.parseLong(parts[1]),
                Instant.ofEpochMilli(Long.parseLong(parts[2]))));
    }
}
